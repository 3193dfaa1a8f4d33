"""Honest numbers: the held-out sets are nobody's training data, and the live risk path is measured on
the independent one (tests/risk/heldout_2026-12-08y.tsv), written by someone who saw neither the rules nor the
data, and used once per change."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from bench.risk_eval import evaluate, keyword_baseline, live_or_check_in, live_scorer, load_set
from bot.nlu.risk import patterns as p
from bot.nlu.risk.classifier import RISK_DATA, nlu_examples

ROOT = Path(__file__).resolve().parents[2]
HELD_OUT = ROOT / "tests" / "risk" / "heldout_2026-12-08y.tsv"
NEAR = 0.85


# Set y (sets w and x went to training on 2026-12-08: the day's change as a whole touched held-out sets together with
# rules and data), written by an independent writer who saw neither rules nor data; 40 of 330 lines within 0.85 of
# training data, rule phrases or another line of the set removed by rule before first use (not by score), then
# measured once on the classifier retrained with set x. Recall (right category): abuse 0.892, exploitation 0.902,
# imminent_danger 0.930, self_harm 0.794, third_party 0.932; false escalations 0.077 (7 of 91). Paged for any category:
# abuse 0.973, exploitation 0.976, imminent 1.000, self-harm 0.912, third party 0.977. Paged or asked: exploitation
# 0.976, self-harm 0.941, the rest 1.000; 0.165 false alarms. Floors are that measurement less one message.
HELD_OUT_FLOORS = {"abuse": 0.864, "exploitation": 0.878, "imminent_danger": 0.906, "self_harm": 0.764,
                   "third_party": 0.909}
HELD_OUT_MAX_FALSE_ESCALATION = 0.088
CHECK_IN_FLOORS = {"abuse": 0.972, "exploitation": 0.951, "imminent_danger": 0.976, "self_harm": 0.911,
                   "third_party": 0.977}
CHECK_IN_MAX_FALSE = 0.176


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def _training_texts() -> list[str]:
    rows = [text for path in sorted(RISK_DATA.glob("*.tsv")) for _, text in load_set(path)]
    return rows + [text for _, text in nlu_examples()]


def _rule_phrases() -> list[str]:
    """Each rule phrase as a sentence it matches (first choice of every alternative), the idioms and
    the general-question openings: what a copied sentence would look like."""
    from tests.bot.test_risk_floor import render

    rendered = [render(phrase, lambda options: options[0] or options[-1]) for rule in p.RULES
                for phrase in rule.phrases]
    return rendered + list(p.IDIOMS) + list(p.GENERAL_QUESTION_PHRASES)


def _near_copies(evaluation: list[str], others: list[str]) -> list[tuple[str, str]]:
    found = []
    mine_sorted = sorted(((_plain(t), t) for t in evaluation), key=lambda pair: len(pair[0]))
    lengths = [len(mine) for mine, _ in mine_sorted]
    matcher = SequenceMatcher(None, autojunk=False)
    for original in others:
        theirs = _plain(original)
        matcher.set_seq2(theirs)  # SequenceMatcher caches what it learns of the second sequence
        # A ratio of 2*matches/(a+b) >= NEAR needs lengths within these bounds: skip the rest unread.
        low = bisect_left(lengths, len(theirs) * NEAR / (2 - NEAR))
        high = bisect_right(lengths, len(theirs) * (2 - NEAR) / NEAR)
        for mine, text in mine_sorted[low:high]:
            matcher.set_seq1(mine)
            if matcher.real_quick_ratio() >= NEAR and matcher.quick_ratio() >= NEAR and matcher.ratio() >= NEAR:
                found.append((text, original))
    return found


@pytest.mark.parametrize(("held_out", "size"), [(HELD_OUT, 290)], ids=["y"])
def test_the_independent_held_out_set_says_who_wrote_it_when_and_how_it_is_used(held_out: Path, size: int):
    header = [line for line in held_out.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    text = " ".join(header).lower()
    assert re.search(r"written \d{4}-\d\d-\d\d", text) and "independent writer" in text
    assert "once per change" in text and "never tuned on" in text
    assert len(load_set(held_out)) == size  # the lines left after near-copies went, none taken out since


@pytest.mark.parametrize("held_out", [HELD_OUT], ids=["y"])
def test_no_held_out_sentence_is_in_the_training_data_or_the_rules(held_out: Path):
    sentences = [text for _, text in load_set(held_out)]
    assert _near_copies(sentences, _training_texts()) == [], "held-out sentences nearly copied into training data"
    assert _near_copies(sentences, _rule_phrases()) == [], "held-out sentences nearly copied into rule phrases"


@pytest.mark.parametrize(("held_out", "floors", "max_false"), [
    (HELD_OUT, HELD_OUT_FLOORS, HELD_OUT_MAX_FALSE_ESCALATION)], ids=["y"])
def test_the_live_path_on_the_independent_held_out_sets(held_out: Path, floors: dict, max_false: float):
    """Measured, not tuned: the numbers as they came out are in the README. This gate stops a change
    that makes them worse, and keeps the live path ahead of a hotline's crisis-keyword list."""
    rows = load_set(held_out)
    live = evaluate("live path", live_scorer, rows)
    keywords = evaluate("crisis keywords", keyword_baseline, rows)
    for category, floor in floors.items():
        assert live.recall[category] >= floor, (category, live.recall)
        assert live.recall[category] > keywords.recall[category], category
    assert live.false_escalation_rate <= max_false, live.false_escalation_rate


def test_asking_if_safe_catches_what_paging_misses_on_the_held_out_set():
    """The check-in band: paged or asked, measured once with the pages above (README)."""
    rows = load_set(HELD_OUT)
    caught = evaluate("paged or asked", live_or_check_in, rows)
    for category, floor in CHECK_IN_FLOORS.items():
        assert caught.recall[category] >= floor, (category, caught.recall)
    assert caught.false_escalation_rate <= CHECK_IN_MAX_FALSE, caught.false_escalation_rate
