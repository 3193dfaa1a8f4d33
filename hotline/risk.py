"""Risk of one inbound message: level (none, concern, high, imminent), categories, and the
signals that fired. Plain Python: the Rasa component, the CLI and the bench all call `assess`.

Layered, safety first:
1. The rule layer (hotline/risk_rules.py) finds danger in the words, texting spellings included.
   Negated hits ("i would never kill myself") count as concern, never as none.
2. A caregiver's or provider's general question ("what are the warning signs ...") about
   exploitation or abuse is not a disclosure: those hits drop to concern.
3. Urgency ("right now", "help me") makes a high danger, self-harm or abuse hit imminent.
4. The DIET classifier's risk intents can raise the level; they never lower a rule hit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from hotline import risk_patterns as p
from hotline.risk_rules import RuleHit, normalise, rule_layer

LEVEL_NAMES = {p.NONE: "none", p.CONCERN: "concern", p.HIGH: "high", p.IMMINENT: "imminent"}
LEVELS_BY_NAME = {name: level for level, name in LEVEL_NAMES.items()}
ESCALATING_LEVELS = ("high", "imminent")


@dataclass
class Signal:
    source: str  # "rule" or "classifier"
    name: str
    category: str
    level: str
    text: str


@dataclass
class RiskAssessment:
    level: str = "none"
    categories: list[str] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)

    @property
    def escalates(self) -> bool:
        return self.level in ESCALATING_LEVELS

    def as_dict(self) -> dict:
        return {"level": self.level, "categories": self.categories,
                "signals": [asdict(s) for s in self.signals], "escalates": self.escalates}


def _is_general_question(normalised: str) -> bool:
    return any(normalise(phrase) in normalised for phrase in p.GENERAL_QUESTION_PHRASES)


def _has_urgency(normalised: str) -> bool:
    return any(f" {normalise(u)} " in f" {normalised} " for u in p.URGENCY)


def _first_person(text: str) -> bool:
    return any(w in text.split() for w in ("me", "my", "i", "myself", "am"))


def _third_party(hit: RuleHit, normalised: str) -> bool:
    if hit.category not in (p.EXPLOITATION, p.ABUSE):
        return False
    words = set(hit.text.split())
    if words & {"me", "myself", "i"}:
        return False
    return bool(words & p.THIRD_PERSON_VICTIMS or set(normalised.split()) & p.THIRD_PERSON_VICTIMS)


def assess(text: str | None, intent: str | None = None, confidence: float = 0.0,
           intent_ranking: list[dict] | None = None) -> RiskAssessment:
    """Score one message. `intent`/`intent_ranking` come from Rasa's classifier when available."""
    layer = rule_layer()
    doc = layer.doc(text or "")
    normalised = doc.text
    general_question = _is_general_question(normalised)
    urgent = _has_urgency(normalised)
    info_request = any(w in normalised for w in p.INFO_REQUEST_WORDS)

    levels: dict[str, int] = {}
    signals: list[Signal] = []

    def add(source: str, name: str, category: str, level: int, matched: str) -> None:
        levels[category] = max(levels.get(category, p.NONE), level)
        signal = Signal(source, name, category, LEVEL_NAMES[level], matched)
        if signal not in signals:
            signals.append(signal)

    hits = layer.hits(doc)
    # Danger words the rules understood as an idiom or a negation: the classifier's guess in
    # that category does not override them ("i met my quota at work", "i would never ...").
    understood = {h.category for h in hits if h.idiom}
    for hit in (h for h in hits if not h.idiom):
        level = hit.level
        negated = hit.negated and hit.rule not in p.NEGATION_SAFE_RULES
        asked_in_general = (general_question and hit.category in (p.EXPLOITATION, p.ABUSE)
                            and not _first_person(hit.text))
        asked_for_a_number = info_request and hit.rule in p.INFO_REQUEST_RULES
        if negated or asked_in_general or asked_for_a_number:
            level = p.CONCERN
        elif urgent and level == p.HIGH and hit.category in p.URGENT_CATEGORIES:
            level = p.IMMINENT
        add("rule", hit.rule, hit.category, level, hit.text)
        if level >= p.HIGH and _third_party(hit, normalised):
            add("rule", hit.rule, p.THIRD_PARTY, level, hit.text)

    understood |= {s.category for s in signals if s.source == "rule" and s.level == "concern"}
    rules_fired = bool(signals)
    for name, score in _classifier_intents(intent, confidence, intent_ranking):
        category, level = p.RISK_INTENTS[name]
        needed = p.RISK_INTENT_MIN_CONFIDENCE if rules_fired else p.CLASSIFIER_ALONE_MIN_CONFIDENCE
        if score >= needed and not general_question and category not in understood:
            if urgent and category in p.URGENT_CATEGORIES:
                level = max(level, p.IMMINENT)
            add("classifier", name, category, level, f"{name} {score:.2f}")

    if not levels:
        return RiskAssessment()
    top = max(levels.values())
    categories = sorted(c for c, lvl in levels.items() if lvl == top or lvl >= p.HIGH)
    return RiskAssessment(level=LEVEL_NAMES[top], categories=categories, signals=signals)


def _classifier_intents(intent: str | None, confidence: float,
                        ranking: list[dict] | None) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    if intent in p.RISK_INTENTS:
        scores[intent] = confidence
    for entry in ranking or []:
        name = entry.get("name")
        if name in p.RISK_INTENTS:
            scores[name] = max(scores.get(name, 0.0), float(entry.get("confidence") or 0.0))
    return sorted(scores.items())
