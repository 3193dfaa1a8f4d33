"""The floor only rises: every explicit danger phrase of the rule vocabulary escalates at its level
whatever everyday words stand around it, and a negated one never drops below concern. Hypothesis
builds the sentences from the vocabulary itself, so adding an idiom or a phrase adds cases here."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu.risk import patterns as p
from bot.nlu.risk.assessment import LEVEL_NAMES, LEVELS_BY_NAME, assess


def _about_someone_else(rule: p.Rule, phrase: str) -> bool:
    """ "PERSON * sells my friend": a report about another person, which a caregiver's general question
    may lower (tests/bot/test_risk.py covers third-party reports)."""
    return rule.category in (p.EXPLOITATION, p.ABUSE) and any(
        set(part.rstrip("?").split("|")) <= p.THIRD_PERSON_VICTIMS for part in phrase.split())


EXPLICIT = [(rule, phrase) for rule in p.RULES if rule.explicit for phrase in rule.phrases
            if not _about_someone_else(rule, phrase)]
# Every everyday context the vocabulary knows (its idioms, general-question openings and laughter),
# and the replies and clauses people put around a statement ("no,", "i'm not ok but").
CONTEXTS = sorted(set(p.IDIOMS) | set(p.GENERAL_QUESTION_PHRASES) | set(p.JOKE_MARKERS)
                  | {"no", "no,", "no lie", "i'm not ok but", "i didn't go to school and", "idk why but"}
                  # Games and the past beside a statement, never right after it: "on roblox" and "playing
                  # cod" are where grooming and abusers are, "used to ... now" is not over.
                  | {f"on {game}" for game in p.GAMES} | {f"playing {game}" for game in p.GAMES}
                  | {"he used to", "that was years ago but", "i'm safe now but", "i got out but", "back then"})
FILLERS = ["", "really", "just", "like"]
# One word each, as the patterns' word classes are (risk_patterns.PERSON, FAMILY, ...).
CLASSES = {"PERSON": ["he", "she", "they", "someone", "boyfriend", "pimp", "guy"],
           "FAMILY": ["dad", "mom", "stepdad", "foster", "uncle", "staff"],
           "CARER": ["dad", "mom", "stepdad", "foster", "aunt"],
           "SIBLING": ["brother"], "ME": ["me"], "VICTIM": ["me"], "NUM": ["20", "30", "500"]}


def render(phrase: str, pick: Callable[[list[str]], str]) -> str:
    """One sentence the phrase matches; `pick` chooses among alternatives (and "" for an optional word)."""
    words = []
    for part in phrase.split():
        if part == "*":
            words.append(pick(FILLERS))
            continue
        optional = part.endswith("?") and len(part) > 1
        part = part.rstrip("?") if optional else part
        options = CLASSES.get(part) or part.lstrip("=").replace("=", "").split("|")
        words.append(pick([*options, ""] if optional else options))
    # Phrases are written in lemmas ("i be trapped"); people write "am".
    return " ".join("am" if w == "be" else w for w in words if w)


def first_person(rule: p.Rule, danger: str) -> str:
    """Exploitation and abuse are explicit when told of oneself (of someone else they may be a question)."""
    if rule.category in (p.EXPLOITATION, p.ABUSE) and not set(danger.split()) & {"i", "me", "my", "myself", "am"}:
        return f"i was {danger}"
    return danger


def drawing(draw) -> Callable[[list[str]], str]:  # type: ignore[no-untyped-def]
    return lambda options: draw(st.sampled_from(options))


@st.composite
def explicit_in_context(draw):  # type: ignore[no-untyped-def]
    rule, phrase = draw(st.sampled_from(EXPLICIT))
    danger = first_person(rule, render(phrase, drawing(draw)))
    before, after = draw(st.sampled_from(CONTEXTS)), draw(st.sampled_from(CONTEXTS))
    where = draw(st.sampled_from(["before", "after", "around"]))
    text = {"before": f"{before} {danger}", "after": f"{danger} {after}",
            "around": f"{before} {danger} {after}"}[where]
    return rule, danger, text


def test_every_explicit_phrase_alone_escalates_at_its_level():
    missed = []
    for rule, phrase in EXPLICIT:
        text = first_person(rule, render(phrase, lambda options: options[0] or options[-1]))
        result = assess(text)
        if not (result.escalates and LEVELS_BY_NAME[result.level] >= rule.level):
            missed.append(f"{rule.name}: {text!r} -> {result.level}")
    assert missed == []


@settings(max_examples=600, deadline=None)
@given(explicit_in_context())
def test_no_everyday_context_silences_an_explicit_statement(case):
    rule, _danger, text = case
    result = assess(text)
    assert result.escalates, f"{text!r} ({rule.name}) -> {result.level}"
    assert LEVELS_BY_NAME[result.level] >= rule.level, f"{text!r}: {result.level} < {LEVEL_NAMES[rule.level]}"
    assert rule.category in result.categories, f"{text!r}: {result.categories}"


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_negated_explicit_statement_stays_at_concern_or_above(data):
    _rule, phrase = data.draw(st.sampled_from([(r, ph) for r, ph in EXPLICIT if r.name not in p.NEGATION_SAFE_RULES
                                               and r.category == p.SELF_HARM]))
    danger = render(phrase, drawing(data.draw))
    negation = data.draw(st.sampled_from(["i would never", "i'm not going to", "i don't"]))
    text = f"{negation} {danger}"
    assert LEVELS_BY_NAME[assess(text).level] >= p.CONCERN, text


MIXED = [
    "he raped me lol", "no he raped me", "no lie i want to die", "no point. want to die",
    "he said if i don't pay he will kill me", "my stepdad won't stop touching me",
    "i wasn't thinking and took 30 pills", "i'm not going to school tomorrow, i want to kill myself",
    "i keep thinking about suicide lol", "i'm going to kill myself in the shower", "he choked me with a pillow",
    "my stepdad touches me and then we go shaving", "i took 30 pills and some vitamins",
    "he has a knife collection and he said he will kill me", "i want to kill myself lol this homework is killing me",
    # an idiom right after the danger must not swallow it (a wildcard match running into "hit me up")
    "dad hit me hit me up", "he beat me kick me out",
]


def test_explicit_danger_beside_everyday_words_escalates():
    assert [text for text in MIXED if not assess(text).escalates] == []
