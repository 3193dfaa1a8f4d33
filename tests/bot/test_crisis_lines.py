"""Rule 1 of DESIGN.md: no invented numbers. Every phone number or short code the bot can show
comes from bot/crisis_lines.yml, and every entry there cites its source."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from harbor.core.settings import PROJECT_ROOT

SEED = PROJECT_ROOT.parent / "shared" / "seed" / "csec-literature-review.txt"
NUMBER_PATTERNS = [
    re.compile(r"(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b"),  # phone numbers
    re.compile(r"\b\d{5,6}\b"),  # SMS short codes
    re.compile(r"\b(?:call|text|dial)(?: or (?:call|text))?\s+(\d{3})(?![\d-])", re.I),  # 911, 988
]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _lines() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "bot" / "crisis_lines.yml").read_text())["crisis_lines"]


def _vetted_numbers() -> set[str]:
    numbers = set()
    for line in _lines().values():
        numbers.update(str(line[k]) for k in ("call", "text") if k in line)
    return numbers


def test_every_crisis_line_cites_a_source():
    for key, line in _lines().items():
        assert line.get("source"), key
        assert line.get("name") and line.get("call"), key


def test_numbers_from_the_seed_are_really_in_the_seed():
    if not SEED.exists():
        return  # the seed sits beside the repo in ../shared; CI copies it there
    seed_digits = _digits(SEED.read_text(encoding="utf-8", errors="ignore"))
    for key, line in _lines().items():
        if "seed" in line["source"]:
            for field in ("call", "text"):
                if field in line:
                    assert _digits(str(line[field])) in seed_digits, (key, field)


def _files_the_bot_speaks_from() -> list[Path]:
    files = [PROJECT_ROOT / "domain.yml"]
    files += sorted((PROJECT_ROOT / "bot" / "actions").glob("*.py"))
    return files


def test_every_number_the_bot_shows_is_vetted():
    vetted = {_digits(n) for n in _vetted_numbers()}
    unvetted = []
    for path in _files_the_bot_speaks_from():
        for line in path.read_text().splitlines():
            if line.lstrip().startswith("#"):
                continue
            for pattern in NUMBER_PATTERNS:
                unvetted += [(path.name, n) for n in pattern.findall(line) if _digits(n) not in vetted]
    assert unvetted == []


def test_the_number_check_catches_an_invented_number():
    line = "call 555-201-3344 or text 123456 or dial 311"
    found = [n for p in NUMBER_PATTERNS for n in p.findall(line)]
    assert {_digits(n) for n in found} == {"5552013344", "123456", "311"}


def test_the_crisis_reply_lists_every_vetted_line(responses):
    text = responses["utter_crisis_numbers"]
    for number in _vetted_numbers():
        assert number in text
