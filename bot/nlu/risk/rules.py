"""The rule layer: spaCy Matcher patterns over lemmas, with texting spellings, idioms and negation.

A rule hit is final: the classifier can add to it, never argue it away (bot/nlu/risk/assessment.py). An idiom
drops a hit only when the hit's words lie inside it (they are the idiom); one beside a hit only
marks it `near_idiom`, which lowers an ambiguous rule and never an explicit one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from bot.nlu.risk import patterns as p
from bot.nlu.spacy_pipeline import shared_pipeline

WILDCARD_WIDTH = 3
NEGATION_WINDOW = 3
IDIOM_REACH = 4

_CONTRACTIONS = [
    (r"\bwon't\b", "will not"), (r"\bcan't\b", "can not"), (r"\bain't\b", "is not"),
    (r"\bshan't\b", "shall not"), (r"n't\b", " not"), (r"\bi'm\b", "i am"), (r"'re\b", " are"),
    (r"'ve\b", " have"), (r"'ll\b", " will"), (r"\b(i|he|she|they|you|we)'d\b", r"\1 would"),
    (r"\b(he|she|it|that|there|who|what|where|someone|somebody)'s\b", r"\1 is"),
]
_CLASSES = {"PERSON": p.PERSON, "PARTNER": p.PARTNER, "FAMILY": p.FAMILY, "CARER": p.CARER, "SIBLING": p.SIBLING,
            "ME": p.ME, "VICTIM": p.VICTIM}


def normalise(text: str) -> str:
    """Lower case, straight quotes, texting spellings spelled out, contractions expanded."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    words = re.split(r"(\W+)", text)
    text = "".join(p.NORMALISE.get(w, w) for w in words)
    for pattern, replacement in _CONTRACTIONS:
        text = re.sub(pattern, replacement, text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class RuleHit:
    rule: str
    category: str
    level: int
    start: int  # token offsets in the normalised doc
    end: int
    text: str
    negated: bool
    explicit: bool = True  # the rule is an explicit statement of danger (risk_patterns.Rule)
    inside_idiom: bool = False  # every matched word belongs to an idiom: it is the idiom, not danger
    near_idiom: bool = False  # an idiom overlaps or follows it: may lower an ambiguous hit only
    idiom_tail: bool = False  # its act and victim are an idiom's words ("kick me out"): lowered even if explicit


def _lemma(nlp: Language, word: str) -> str:
    return nlp(word)[0].lemma_.lower()


def _compile(nlp: Language, phrase: str) -> list[dict]:
    tokens: list[dict] = []
    for part in phrase.split():
        if part == "*":
            tokens.extend({"OP": "?"} for _ in range(WILDCARD_WIDTH))
            continue
        optional = part.endswith("?") and len(part) > 1
        part = part.rstrip("?") if optional else part
        if part == "NUM":
            spec: dict = {"LIKE_NUM": True}
        elif part in _CLASSES:
            spec = {"LOWER": {"IN": _CLASSES[part]}}
        elif part.startswith("="):
            spec = {"LOWER": {"IN": part[1:].replace("=", "").split("|")}}
        else:
            alternatives = part.split("|")
            spec = {"LEMMA": {"IN": sorted({_lemma(nlp, a) for a in alternatives} | set(alternatives))}}
        if optional:
            spec["OP"] = "?"
        tokens.append(spec)
    return tokens


class RuleLayer:
    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.matcher = Matcher(nlp.vocab)
        self.rules = {r.name: r for r in p.RULES}
        for r in p.RULES:
            self.matcher.add(r.name, [_compile(nlp, phrase) for phrase in r.phrases])

    def doc(self, text: str) -> Doc:
        return self.nlp(normalise(text))

    def hits(self, doc: Doc) -> list[RuleHit]:
        idiom_spans = _phrase_spans(doc.text, p.IDIOMS)
        found: dict[tuple[str, int], RuleHit] = {}
        for match_id, start, end in self.matcher(doc):
            name = self.nlp.vocab.strings[match_id]
            span = doc[start:end]
            # An idiom just after the match counts too ("hit me with a pillow").
            context = doc[start:min(len(doc), end + IDIOM_REACH)]
            rule = self.rules[name]
            hit = RuleHit(name, rule.category, rule.level, start, end, span.text,
                          negated=_negated(doc, start, end), explicit=rule.explicit,
                          inside_idiom=_inside(span.start_char, span.end_char, idiom_spans),
                          idiom_tail=_tail_in_idiom(span, idiom_spans),
                          near_idiom=_overlaps(context.start_char, context.end_char, idiom_spans))
            key = (name, start)
            # Of overlapping matches from one start (wildcards make several), keep the longest whose
            # act is not an idiom's: "dad hit me hit me up" is "dad hit me", not a wildcard up to "hit me up".
            if key not in found or _preferred(hit) > _preferred(found[key]):
                found[key] = hit
        hits = list(found.values())
        exchange = _sex_for_exchange(doc.text)
        if exchange:
            hits.append(RuleHit("sex_for_exchange", p.EXPLOITATION, p.HIGH, 0, len(doc), exchange, False,
                                explicit=False))
        return hits


def _phrase_spans(text: str, phrases: list[str]) -> list[tuple[int, int]]:
    spans = []
    for phrase in phrases:
        # Whole words only: "kill it" is an idiom, "kill itself" is not.
        for match in re.finditer(rf"(?<!\w){re.escape(normalise(phrase))}(?!\w)", text):
            spans.append((match.start(), match.end()))
    return spans


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s_start <= start and end <= s_end for s_start, s_end in spans)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def _is_negation(doc: Doc, i: int) -> bool:
    token = doc[i]
    if not (token.lower_ in p.NEGATIONS or token.lemma_ == "not"):
        return False
    following = doc[i + 1].lower_ if i + 1 < len(doc) else ""
    return following not in ("stop", "stops", "stopping")  # "he won't stop hitting me" is no denial


def _negated(doc: Doc, start: int, end: int) -> bool:
    """A negation of the matched statement itself: inside the match ("he would never hurt me"), or
    just before it in the same clause ("i would never kill myself"). Looking back stops at
    punctuation, at a new subject ("no i'm not ok i want to die") and when the match names its own
    subject ("if i don't pay he will kill me"); a leading "no" is a reply, not a denial ("no he raped me")."""
    if any(_is_negation(doc, i) for i in range(start, end)):
        return True
    if doc[start].lower_ in p.SUBJECTS:
        return False
    for i in range(start - 1, max(-1, start - NEGATION_WINDOW - 1), -1):
        token = doc[i]
        if token.is_punct or token.lower_ in p.SUBJECTS or token.lower_ in p.CLAUSE_WORDS:
            return False
        if token.lower_ != "no" and _is_negation(doc, i):
            return True
    return False


def _sex_for_exchange(text: str) -> str:
    sex = [w for w in p.SEX_WORDS if re.search(rf"\b{re.escape(w)}\b", text)]
    exchange = [w for w in p.EXCHANGE_WORDS if re.search(rf"\b{re.escape(w)}\b", text)]
    return f"{sex[0]} ... {exchange[0]}" if sex and exchange else ""


@lru_cache(maxsize=1)
def rule_layer() -> RuleLayer:
    return RuleLayer(shared_pipeline())


def _preferred(hit: RuleHit) -> tuple[bool, int]:
    return not hit.idiom_tail, hit.end - hit.start


def _tail_in_idiom(span: Span, idiom_spans: list[tuple[int, int]]) -> bool:
    """The act and its victim are the idiom's words: "they actually kick me out", "he hit me up". A
    pattern's wildcard must not turn "kick me out" into a kick."""
    if len(span) < 2:
        return False
    tail = span[-2:]
    return _inside(tail.start_char, tail.end_char, idiom_spans)
