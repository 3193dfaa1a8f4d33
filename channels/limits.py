"""Limits every channel applies before a message reaches NLU. A request body is capped by the
servers themselves (Sanic REQUEST_MAX_SIZE, 413); this caps the text inside it."""

from __future__ import annotations

from channels.texts import channel_text

# Ten SMS segments: longer than anyone texts, short enough that NLU stays fast and small.
MAX_MESSAGE_CHARS = 1600
REQUEST_MAX_BYTES = 64 * 1024


def cut_message(text: str | None) -> tuple[str, bool]:
    """The text NLU may read, and whether it was cut (the reply then says so)."""
    text = text or ""
    if len(text) <= MAX_MESSAGE_CHARS:
        return text, False
    return text[:MAX_MESSAGE_CHARS], True


def cut_notice() -> str:
    return channel_text("utter_message_cut")
