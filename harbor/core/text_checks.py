"""Small checks on raw inbound text, shared by actions and channels."""

from __future__ import annotations

import re

# The ways people decline a question (a place, an age, a safety-plan step): one list for every question.
_DECLINED = re.compile(
    r"(skip|idk|i\s*d(o|u)n'?t\s*know|dont\s*know|dunno|pass|none|not\s*sure|"
    r"(i'?d\s*)?rather\s*not(\s*say)?|prefer\s*not(\s*to\s*say)?)",
    re.IGNORECASE)


def has_words(text: str | None) -> bool:
    """True when the text holds at least one letter or digit in any script.

    Empty messages, whitespace, punctuation and emoji-only messages have none.
    """
    return any(ch.isalnum() for ch in text or "")


def declines_to_answer(text: str | None) -> bool:
    """True for "skip", "idk", "i don't know", "pass", "rather not say" ... and nothing more in the reply."""
    return bool(text) and bool(_DECLINED.fullmatch(text.strip().strip(" .!?")))
