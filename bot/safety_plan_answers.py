"""Cleaning a youth's safety-plan answers before they are stored and echoed back by SMS."""

from __future__ import annotations

from harbor.core.gsm7 import to_gsm7
from harbor.core.text_checks import declines_to_answer

SKIPPED = "(skipped)"
MAX_ANSWER_CHARS = 40
# Beyond declining (harbor/core/text_checks.py): "who can you call?" "nobody" is no one to list.
NOBODY = frozenset({"no one", "nobody"})


def clean_answer(raw: str | None) -> str:
    """One answer, GSM-7 and short enough that the whole plan fits one 320-character reply."""
    text = " ".join(to_gsm7(raw or "").split())
    if not text or declines_to_answer(text) or text.lower().strip(" .!?") in NOBODY:
        return SKIPPED
    if len(text) > MAX_ANSWER_CHARS:
        text = text[: MAX_ANSWER_CHARS - 3].rstrip() + "..."
    return text
