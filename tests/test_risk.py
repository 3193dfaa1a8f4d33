"""The rule layer and how it combines with the classifier: behaviour a youth or an advocate
would notice (who gets paged, who does not)."""

from __future__ import annotations

import pytest

from bench.risk_eval import GOALS, MAX_FALSE_ESCALATION, evaluate, keyword_baseline, load_set, rules_scorer
from hotline.risk import assess


@pytest.mark.parametrize("text, level, category", [
    ("he wont let me leave", "imminent", "imminent_danger"),
    ("he's got a gun", "imminent", "imminent_danger"),
    ("kms", "high", "self_harm"),
    ("i want to unalive myself", "high", "self_harm"),
    ("i'm gonna kill myself tonight", "imminent", "self_harm"),
    ("i have to make my quota", "high", "exploitation"),
    ("i do dates so he lets me stay", "high", "exploitation"),
    ("my daddy takes all my money", "high", "exploitation"),
    ("he works me on the track", "high", "exploitation"),
    ("my friend is 14 and her boyfriend sells her", "high", "third_party"),
    ("my stepdad hits me", "high", "abuse"),
])
def test_danger_in_texting_language_escalates(text, level, category):
    result = assess(text)
    assert result.level == level
    assert category in result.categories
    assert result.escalates


@pytest.mark.parametrize("text", [
    "this homework is killing me", "i'm dying to know", "you're killing me lol",
    "i met my quota at work", "we went to the track meet", "my phone is dying",
])
def test_idioms_page_nobody(text):
    assert assess(text).level == "none"


@pytest.mark.parametrize("text", ["i would never kill myself", "i'm not suicidal", "i don't want to die"])
def test_negated_self_harm_is_concern_not_none_and_never_pages(text):
    result = assess(text)
    assert result.level == "concern"
    assert not result.escalates


@pytest.mark.parametrize("text", [
    "what are the warning signs a kid is being trafficked",
    "how do i know if my daughter is being sold",
    "what does quota mean in trafficking",
])
def test_caregiver_and_provider_questions_are_not_disclosures(text):
    assert not assess(text).escalates


def test_the_classifier_can_raise_but_never_lower_a_rule_hit():
    ranking = [{"name": "greet", "confidence": 0.99}]
    assert assess("he has a knife", intent="greet", confidence=0.99, intent_ranking=ranking).level == "imminent"
    raised = assess("please i need help idk what to do", intent="in_danger_now", confidence=0.9)
    assert raised.level == "imminent" and raised.signals[0].source == "classifier"


def test_the_classifier_alone_needs_high_confidence():
    assert not assess("i cut my hair", intent="self_harm", confidence=0.7).escalates
    assert assess("i cut my hair", intent="self_harm", confidence=0.9).escalates


def test_a_negation_the_rules_understood_is_not_overridden_by_the_classifier():
    assert not assess("i would never kill myself", intent="self_harm", confidence=0.9).escalates


def test_signals_say_what_fired():
    result = assess("he took my id and wont let me leave")
    names = {s.name for s in result.signals}
    assert {"controls_money_or_id", "not_let_leave"} <= names
    assert result.as_dict()["escalates"] is True


def test_empty_and_junk_are_none():
    for text in ["", None, "   ", "\U0001F62D", "asdfghjkl"]:
        assert assess(text).level == "none"


def test_the_labelled_set_is_big_and_half_hard_negatives():
    rows = load_set()
    assert len(rows) >= 300
    assert sum(1 for label, _ in rows if label == "none") >= len(rows) * 0.45


def test_rules_alone_beat_the_keyword_baseline_everywhere():
    # The goals are gated on the live path (rules + classifier) in tests/test_rasa_quality.py;
    # the rule layer alone must already do better than a keyword list on every number.
    rows = load_set()
    harbor = evaluate("rules", rules_scorer, rows)
    baseline = evaluate("keywords", keyword_baseline, rows)
    for category in baseline.recall:
        assert harbor.recall[category] >= baseline.recall[category], category
    assert min(harbor.recall[c] for c in GOALS) >= 0.9, harbor.misses
    assert harbor.false_escalation_rate <= MAX_FALSE_ESCALATION < baseline.false_escalation_rate
