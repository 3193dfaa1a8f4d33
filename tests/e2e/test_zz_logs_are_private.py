"""Runs after the other e2e tests (file order), on the logs their conversations left behind: at
INFO, Harbor's logs hold no message text and no phone number (DESIGN rule 8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import ROSTER, RunningHarbor

pytestmark = pytest.mark.e2e
PLUS_NUMBER = re.compile(r"\+\d{10,15}")
# Numbers the tests text from (youths +1510555xxxx; the roster +1415555010x), however formatted.
TEST_NUMBERS = re.compile(r"\b(1?510555\d{4}|1?4155550\d{3})\b")
MIN_DISTINCT_CHARS = 12  # shorter texts ("hi", "MENU", "yes") also occur in ordinary log words


def _logs(harbor: RunningHarbor) -> dict[str, str]:
    return {p.name: p.read_text(errors="replace") for p in sorted(Path(harbor.var_dir, "log").glob("*.log"))}


def test_logs_hold_no_phone_numbers(harbor: RunningHarbor):
    logs = _logs(harbor)
    assert logs, "harbor up wrote no logs"
    roster_numbers = re.findall(r"\+\d+", ROSTER)
    for name, text in logs.items():
        assert not PLUS_NUMBER.findall(text), f"{name}: {PLUS_NUMBER.findall(text)[:3]}"
        assert not TEST_NUMBERS.findall(text), f"{name}: {TEST_NUMBERS.findall(text)[:3]}"
        for number in roster_numbers:
            assert number[2:] not in text, f"{name} holds a roster number"


def test_logs_hold_no_message_text(harbor: RunningHarbor):
    said = {text.strip() for text in harbor.said if len(text.strip()) >= MIN_DISTINCT_CHARS}
    if len(said) < 20:
        pytest.skip("meaningful only after the rest of the e2e suite has talked to Harbor")
    for name, text in _logs(harbor).items():
        lowered = text.lower()
        leaked = sorted(s for s in said if s.lower() in lowered)
        assert not leaked, f"{name} holds message text: {leaked[:3]}"
