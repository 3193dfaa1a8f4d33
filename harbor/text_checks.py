"""Small checks on raw inbound text, shared by actions and channels."""

from __future__ import annotations


def has_words(text: str | None) -> bool:
    """True when the text holds at least one letter or digit in any script.

    Empty messages, whitespace, punctuation and emoji-only messages have none.
    """
    return any(ch.isalnum() for ch in text or "")
