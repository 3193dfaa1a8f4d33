"""The training data is broad enough, well-formed, and the held-out split really is held out."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from tests.conftest import PROJECT_ROOT

NLU_DIR = PROJECT_ROOT / "bot" / "data" / "nlu"
HOLDOUT = PROJECT_ROOT / "tests" / "nlu" / "holdout.yml"


def _examples(path) -> list[tuple[str, str]]:
    pairs = []
    for block in yaml.safe_load(path.read_text())["nlu"]:
        for line in block["examples"].splitlines():
            assert line.startswith("- "), f"{path.name}: example without '- ': {line!r}"
            pairs.append((block["intent"], line[2:].strip()))
    return pairs


@pytest.fixture(scope="module")
def training() -> list[tuple[str, str]]:
    return [pair for path in sorted(NLU_DIR.glob("*.yml")) for pair in _examples(path)]


@pytest.fixture(scope="module")
def holdout() -> list[tuple[str, str]]:
    return _examples(HOLDOUT)


def _normal(text: str) -> str:
    """Case, punctuation and spacing do not make an example new; emoji-only text stays as it is."""
    return re.sub(r"[\W_]+", " ", text.lower()).strip() or text.strip()


def test_at_least_40_intents_with_15_examples_each(training):
    counts = Counter(intent for intent, _ in training)
    assert len(counts) >= 40
    assert {i: n for i, n in counts.items() if n < 15} == {}


def test_every_domain_intent_has_training_data(training, domain):
    assert set(domain["intents"]) == {intent for intent, _ in training}


def test_holdout_is_at_least_15_percent_of_all_examples(training, holdout):
    assert len(holdout) / (len(holdout) + len(training)) >= 0.15


def test_holdout_covers_every_intent(training, holdout):
    assert {i for i, _ in holdout} == {i for i, _ in training}


def test_holdout_never_appears_in_training(training, holdout):
    seen = {_normal(text) for _, text in training}
    assert [text for _, text in holdout if _normal(text) in seen] == []


def test_holdout_is_not_even_nearly_in_training(training, holdout):
    """Similarity >= 0.85 after lower-casing and dropping punctuation is a copy, not a test. (Messages
    without words are scored by a rule component, not learned: they are not compared.)"""
    from difflib import SequenceMatcher

    seen = [_normal(text) for _, text in training]
    copies = []
    for intent, text in holdout:
        mine = _normal(text)
        if intent == "no_words" or not re.search(r"\w", mine):
            continue
        for theirs in seen:
            matcher = SequenceMatcher(None, mine, theirs, autojunk=False)
            if matcher.real_quick_ratio() >= 0.85 and matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85:
                copies.append((text, theirs))
                break
    assert copies == []


def test_no_example_is_labelled_with_two_intents(training):
    labels: dict[str, set[str]] = {}
    for intent, text in training:
        labels.setdefault(_normal(text), set()).add(intent)
    assert {t: i for t, i in labels.items() if len(i) > 1} == {}
