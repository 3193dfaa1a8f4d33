"""Honest numbers: the held-out sets are nobody's training data, and the live risk path is measured on
the independent one (tests/risk/heldout_2026-11-26b.tsv), written by someone who saw neither the rules
nor the data, and used once per change."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path

from bench.risk_eval import evaluate, keyword_baseline, live_scorer, load_set
from hotline import risk_patterns as p
from hotline.risk_classifier import RISK_DATA, nlu_examples

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "tests" / "risk" / "heldout_2026-11-26b.tsv"
NEAR = 0.85


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def _training_texts() -> list[str]:
    rows = [text for path in sorted(RISK_DATA.glob("*.tsv")) for _, text in load_set(path)]
    return rows + [text for _, text in nlu_examples()]


def _rule_phrases() -> list[str]:
    """Each rule phrase as a sentence it matches (first choice of every alternative), the idioms and
    the general-question openings: what a copied sentence would look like."""
    from tests.test_risk_floor import render

    rendered = [render(phrase, lambda options: options[0] or options[-1]) for rule in p.RULES
                for phrase in rule.phrases]
    return rendered + list(p.IDIOMS) + list(p.GENERAL_QUESTION_PHRASES)


def _near_copies(evaluation: list[str], others: list[str]) -> list[tuple[str, str]]:
    found = []
    plain_others = [(_plain(o), o) for o in others]
    for text in evaluation:
        mine = _plain(text)
        for theirs, original in plain_others:
            matcher = SequenceMatcher(None, mine, theirs, autojunk=False)
            if matcher.real_quick_ratio() >= NEAR and matcher.quick_ratio() >= NEAR and matcher.ratio() >= NEAR:
                found.append((text, original))
    return found


def test_the_independent_held_out_set_says_who_wrote_it_when_and_how_it_is_used():
    header = [line for line in HELD_OUT.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    text = " ".join(header).lower()
    assert "written 2026-11-26" in text and "independent writer" in text
    assert "once per change" in text and "never tuned on" in text
    assert len(load_set(HELD_OUT)) >= 250


def test_no_held_out_sentence_is_in_the_training_data_or_the_rules():
    sentences = [text for _, text in load_set(HELD_OUT)]
    assert _near_copies(sentences, _training_texts()) == [], "held-out sentences nearly copied into training data"
    assert _near_copies(sentences, _rule_phrases()) == [], "held-out sentences nearly copied into rule phrases"


def test_the_live_path_on_the_independent_held_out_set():
    """Measured, not tuned: the numbers as they came out are in the README. This gate stops a change
    that makes them worse, and keeps the live path ahead of a hotline's crisis-keyword list."""
    rows = load_set(HELD_OUT)
    live = evaluate("live path", live_scorer, rows)
    keywords = evaluate("crisis keywords", keyword_baseline, rows)
    for category, floor in HELD_OUT_FLOORS.items():
        assert live.recall[category] >= floor, (category, live.recall)
        assert live.recall[category] > keywords.recall[category], category
    assert live.false_escalation_rate <= HELD_OUT_MAX_FALSE_ESCALATION, live.false_escalation_rate


# The first measurement of this design on this set, less one message per category of slack; the
# goals (recall >= 0.98 danger and self-harm, >= 0.95 exploitation, <= 5% false escalations) are
# not met here yet: see README, "Risk triage and escalation".
# Measured once, 2026-11-26, on this set's first use (the earlier set retired to bot/risk_data after it
# had been measured while rules and data changed): recall abuse 0.735, exploitation 0.900,
# imminent_danger 0.875, self_harm 0.600, third_party 0.950; false escalations 0.062.
HELD_OUT_FLOORS = {"abuse": 0.70, "exploitation": 0.875, "imminent_danger": 0.85, "self_harm": 0.575,
                   "third_party": 0.90}
HELD_OUT_MAX_FALSE_ESCALATION = 0.071
