"""The training data is broad enough, well-formed, and the held-out split really is held out."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from harbor.core.settings import PROJECT_ROOT

NLU_DIR = PROJECT_ROOT / "bot" / "data" / "nlu"
HOLDOUT = PROJECT_ROOT / "tests" / "nlu" / "holdout_2026-12-08f.yml"
# Set by a component, never learned: no words at all (bot/nlu/no_words.py, a handful of examples for the
# record), Spanish beyond the first step (bot/nlu/language.py), an uncertain risk signal (the risk detector).
SET_BY_COMPONENTS = {"no_words", "spanish_other", "risk_check_in", "choose_option", "ask_red_flag"}
MIN_EXAMPLES, MIN_WRITERS = 60, 3
# The first writer's data is split by topic; every other file is one writer.
FIRST_WRITER = {"caregivers", "general", "providers", "resources", "safety", "youth"}


def _examples(path) -> list[tuple[str, str]]:
    pairs = []
    for block in yaml.safe_load(path.read_text())["nlu"]:
        if "intent" not in block:
            continue
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


def test_every_learned_intent_has_60_examples_from_three_writers():
    counts: Counter = Counter()
    writers: dict[str, set[str]] = {}
    for path in sorted(NLU_DIR.glob("*.yml")):
        writer = "first" if path.stem in FIRST_WRITER else path.stem
        for intent, _ in _examples(path):
            counts[intent] += 1
            writers.setdefault(intent, set()).add(writer)
    learned = {i for i in counts if i not in SET_BY_COMPONENTS}
    assert len(learned) >= 60
    assert {i: counts[i] for i in learned if counts[i] < MIN_EXAMPLES} == {}
    assert {i: sorted(writers[i]) for i in learned if len(writers[i]) < MIN_WRITERS} == {}


def test_no_two_training_examples_are_near_copies_within_an_intent(training):
    """scripts/dedupe_nlu.py keeps it so: a near-copy only weighs one phrasing twice."""
    from difflib import SequenceMatcher

    by_intent: dict[str, list[str]] = {}
    for intent, text in training:
        if not text.strip().isupper():  # keywords the bot offers ("MENU") sit beside "menu" on purpose
            by_intent.setdefault(intent, []).append(_normal(text))
    copies = []
    for intent, texts in by_intent.items():
        for i, mine in enumerate(texts):
            for theirs in texts[:i]:
                matcher = SequenceMatcher(None, mine, theirs, autojunk=False)
                if matcher.real_quick_ratio() >= 0.9 and matcher.quick_ratio() >= 0.9 and matcher.ratio() >= 0.9:
                    copies.append((intent, mine, theirs))
    assert copies == []


def test_every_domain_intent_has_training_data_unless_a_component_sets_it(training, domain):
    trained = {intent.split("/")[0] for intent, _ in training}  # faq/<key> trains the retrieval intent faq
    assert set(domain["intents"]) - SET_BY_COMPONENTS == trained - SET_BY_COMPONENTS


def test_holdout_has_a_writer_of_its_own_and_covers_every_learned_intent(training, holdout):
    header = HOLDOUT.read_text(encoding="utf-8").split("version:")[0].lower()
    assert "independent writer" in header and "never used for training" in header
    learned = {i for i, _ in training} - SET_BY_COMPONENTS
    assert {i for i, _ in holdout} == learned
    assert len(holdout) >= 300


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
