"""Cleaning a youth's safety-plan answers before they are stored and echoed back by SMS."""

from __future__ import annotations

from harbor.gsm7 import to_gsm7

SKIPPED = "(skipped)"
MAX_ANSWER_CHARS = 40
SKIP_WORDS = frozenset(
    {"skip", "idk", "i dont know", "i don't know", "dunno", "pass", "none", "no one", "nobody"}
)


def clean_answer(raw: str | None) -> str:
    """One answer, GSM-7 and short enough that the whole plan fits one 320-character reply."""
    text = " ".join(to_gsm7(raw or "").split())
    if not text or text.lower().strip(" .!?") in SKIP_WORDS:
        return SKIPPED
    if len(text) > MAX_ANSWER_CHARS:
        text = text[: MAX_ANSWER_CHARS - 3].rstrip() + "..."
    return text
