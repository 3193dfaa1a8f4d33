"""Every message gets a reply, even when the action server dies while answering it.

Rasa logs a custom action that failed (its server killed, restarting, timing out) and carries on with
the events lost: the person hears nothing, and a youth who said they are in danger would not know
anyone was alerted. Each channel's output is counted while the bot handles a message; a turn that
ended with nothing said gets, from the channel itself, the escalation reply that fits (with the promise
of an advocate only when a page went out) or, for any other message, "I lost my answer, please send
that again"."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.core.channels.channel import OutputChannel

from channels.escalation_guard import Escalated, alerted
from channels.texts import channel_text
from hotline.escalation_replies import choose_for

log = logging.getLogger("harbor.silent_turn")


class CountingOutput(OutputChannel):
    """The channel's own output, counting what the bot sent through it this turn."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> str:  # type: ignore[override]  # the channel's name picks channel-specific responses
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.sent += 1
        await self.inner.send_text_message(recipient_id, text, **kwargs)

    def __getattr__(self, attribute: str) -> Any:
        # What OutputChannel does not define (a channel's own attributes) is the channel's.
        return getattr(self.inner, attribute)


async def reply_for_silence(escalated: Escalated | None) -> str:
    """The response to send when the bot said nothing: the escalation's, or the apology."""
    if escalated is None:
        return "utter_reply_lost"
    escalated_reply, fallback_reply = choose_for(escalated.categories, escalated.classifier_intent)
    try:
        was_alerted = await asyncio.to_thread(alerted, escalated.escalation_id)
    except Exception:  # unknown: promise nobody, give the crisis lines
        log.exception("could not read whether ESC-%s was paged", escalated.escalation_id)
        was_alerted = False
    return escalated_reply if was_alerted else fallback_reply


async def answer_silence(output: OutputChannel, conversation_id: str, escalated: Escalated | None) -> None:
    """Never raises: the turn is over either way."""
    name = await reply_for_silence(escalated)
    log.error("the bot said nothing to a message (action server down or failing?); the channel sent %s", name)
    try:
        await output.send_text_message(conversation_id, channel_text(name, escalated.language if escalated else "en"))
    except Exception:
        log.exception("REPLY NOT SENT after a turn where the bot said nothing")
