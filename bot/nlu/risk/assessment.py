"""Risk of one inbound message: level (none, concern, high, imminent), categories, and the
signals that fired. Plain Python: the Rasa component, the CLI and the bench all call `assess`.

The floor only rises. An explicit statement of danger (self-harm intent, a threat to kill or hurt,
sexual contact, an overdose, being held or moved against one's will: the rules risk_patterns marks
explicit) escalates whatever else is in the message. Nothing lowers it: not an idiom beside it ("i'm
going to kill myself in the shower"), not a general question, not the classifier. Three things make it
concern (the bot asks "are you safe right now?"), never none: a negation of the statement itself ("i
would never kill myself"); an idiom whose words are the act and its victim ("they kicked me out"); and
a game named right after a threat or a blow, with no urgency ("he gonna kill me in fortnite").

1. The rule layer (bot/nlu/risk/rules.py) finds danger in the words, texting spellings included.
   An ambiguous match whose words lie inside an idiom ("this homework is killing me") is the idiom
   and counts for nothing; one near an idiom, or in a message that laughs ("lol", "jk"; never for
   self-harm), drops to concern. Explicit matches stand, even inside an idiom.
2. A caregiver's or provider's general question ("what are the warning signs ...") lowers an
   ambiguous or third-person exploitation or abuse hit to concern; a first-person one stands.
3. Urgency ("right now", "help me") makes a high danger, self-harm or abuse hit imminent.
4. The risk classifier (bot/nlu/risk/classifier.py) votes on every message: when its risk score
   passes the threshold chosen on a validation split, the message escalates in the classifier's
   category, whatever the rules said. Idioms and general questions never block it. Rasa's DIET
   intents gate nothing here.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from spacy.tokens import Doc

from bot.nlu.risk import patterns as p
from bot.nlu.risk.rules import RuleHit, normalise, rule_layer
from harbor.core.risk_levels import ESCALATING_LEVELS, LEVEL_NAMES, LEVELS_BY_NAME  # noqa: F401  (re-exported)


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
    ask_if_safe: bool = False  # uncertain: the bot asks "are you safe right now?" (bot/actions/check_in.py)

    @property
    def escalates(self) -> bool:
        return self.level in ESCALATING_LEVELS

    def as_dict(self) -> dict:
        return {"level": self.level, "categories": self.categories,
                "signals": [asdict(s) for s in self.signals], "escalates": self.escalates,
                "ask_if_safe": self.ask_if_safe}


def _is_general_question(normalised: str) -> bool:
    return any(normalise(phrase) in normalised for phrase in p.GENERAL_QUESTION_PHRASES)


_GAME_NAMES = "|".join(re.escape(g) for g in p.GAMES)
_GAME = re.compile(rf"^(?:in|at) (?:{_GAME_NAMES})\b")


def _in_a_game(hit: RuleHit, doc: Doc) -> bool:
    """A game named right after a threat or a blow ("kill me in fortnite", "beat me at chess")."""
    return hit.rule in p.GAME_RULES and bool(_GAME.match(doc[hit.end:min(len(doc), hit.end + 4)].text))


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


@dataclass(frozen=True)
class ClassifierVote:
    """What the risk classifier says of one message (bot/nlu/risk/classifier.py)."""

    risk: float  # the classifier's risk score (higher: more likely some kind of risk)
    category: str  # its most likely risk category
    threshold: float  # the recall-first threshold chosen on the validation split
    check_in_threshold: float = 1.0  # from here up to threshold: ask "are you safe right now?"

    @property
    def escalates(self) -> bool:
        return self.risk >= self.threshold

    @property
    def near_miss(self) -> bool:
        return self.check_in_threshold <= self.risk < self.threshold


def _explicit(hit: RuleHit, doc: Doc) -> bool:
    """Explicit rules are, except that exploitation or abuse told of someone else ("is my daughter being
    sold") may still be a caregiver's general question: there, only a first-person hit is explicit."""
    if not hit.explicit or hit.category not in (p.EXPLOITATION, p.ABUSE):
        return hit.explicit
    # Tokens, not the text split on spaces: "he touches me? lol" has "me" in it.
    words = [token.lower_ for token in doc[max(0, hit.start - 2):min(len(doc), hit.end + 2)]]
    if set(words) & {"i", "me", "myself", "am"}:
        return True
    # "my" counts unless it introduces someone else ("my daughter is being sold").
    return any(w == "my" and (n not in p.THIRD_PERSON_VICTIMS) for w, n in zip(words, [*words[1:], ""], strict=True))


def assess(text: str | None, vote: ClassifierVote | None = None) -> RiskAssessment:
    """Score one message: the rules' floor, raised by the classifier's vote when it passes its threshold."""
    layer = rule_layer()
    doc = layer.doc(text or "")
    normalised = doc.text
    general_question = _is_general_question(normalised)
    urgent = _has_urgency(normalised)
    info_request = any(w in normalised for w in p.INFO_REQUEST_WORDS)
    joking = bool(set(normalised.split()) & set(p.JOKE_MARKERS)) or any(
        m in normalised for m in p.JOKE_MARKERS if not m.isascii())

    levels: dict[str, int] = {}
    signals: list[Signal] = []

    def add(source: str, name: str, category: str, level: int, matched: str) -> None:
        levels[category] = max(levels.get(category, p.NONE), level)
        signal = Signal(source, name, category, LEVEL_NAMES[level], matched)
        if signal not in signals:
            signals.append(signal)

    for hit in layer.hits(doc):
        explicit = _explicit(hit, doc)
        if hit.inside_idiom and not explicit:
            continue  # the words are the idiom itself
        level = hit.level
        negated = hit.negated and hit.rule not in p.NEGATION_SAFE_RULES
        context_lowers = not explicit and (
            hit.near_idiom or (joking and hit.category != p.SELF_HARM)
            or (general_question and hit.category in (p.EXPLOITATION, p.ABUSE) and not _first_person(hit.text))
            or (info_request and hit.rule in p.INFO_REQUEST_RULES))
        game = not urgent and _in_a_game(hit, doc)
        # An idiom's last words ("i'm dead lol") never lower a wish to die: "happier if i am dead lol" pages.
        idiom_tail = hit.idiom_tail and not (explicit and hit.category == p.SELF_HARM)
        if negated or context_lowers or idiom_tail or game:
            level = p.CONCERN
        elif urgent and level == p.HIGH and hit.category in p.URGENT_CATEGORIES:
            level = p.IMMINENT
        add("rule", hit.rule, hit.category, level, hit.text)
        if level >= p.HIGH and _third_party(hit, normalised):
            add("rule", hit.rule, p.THIRD_PARTY, level, hit.text)

    if vote is not None and vote.escalates and vote.category in p.CATEGORIES:
        level = p.IMMINENT if vote.category == p.IMMINENT_DANGER else p.HIGH
        if urgent and vote.category in p.URGENT_CATEGORIES:
            level = p.IMMINENT
        add("classifier", "risk_classifier", vote.category, level, f"risk {vote.risk:.2f} >= {vote.threshold:.2f}")

    elif vote is not None and vote.near_miss and vote.category in p.CATEGORIES and not levels:
        add("classifier", "risk_classifier_near_miss", vote.category, p.CONCERN,
            f"risk {vote.risk:.2f} >= check-in {vote.check_in_threshold:.2f}")

    if not levels:
        return RiskAssessment()
    top = max(levels.values())
    categories = sorted(c for c, lvl in levels.items() if lvl == top or lvl >= p.HIGH)
    # Uncertain: ask "are you safe right now?", unless it is an adult's general question or a request
    # for information, where the worry lies in the topic, not in the person.
    ask = top == p.CONCERN and not general_question and not info_request
    return RiskAssessment(level=LEVEL_NAMES[top], categories=categories, signals=signals, ask_if_safe=ask)
