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

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered

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
    except Exception as error:  # unknown: promise nobody, give the crisis lines
        log.error("could not read whether ESC-%s was paged (%s)", escalated.escalation_id, type(error).__name__)
        was_alerted = False
    return escalated_reply if was_alerted else fallback_reply


def said_nothing_on_purpose(message: UserMessage) -> bool:
    """"/session_start", "/restart": commands a channel sends for the person, answered by nothing."""
    return (message.text or "").startswith("/")


async def answer_silence(app: Any, output: OutputChannel, message: UserMessage, escalated: Escalated | None) -> None:
    """Say what fits, as the bot would: Rasa's own response generator picks the variant for this conversation
    (who is asking, their language, the channel); then keep it in the conversation like any bot turn, so the web
    chat's history and the advocate's console show it. Never raises: the turn is over either way."""
    conversation_id = message.sender_id
    name = await reply_for_silence(escalated)
    log.error("the bot said nothing to a message (action server down or failing?); the channel sent %s", name)
    response: dict[str, Any] = {"text": channel_text(name)}
    try:
        agent = app.ctx.agent
        async with agent.lock_store.lock(conversation_id):
            tracker = await agent.tracker_store.get_or_create_tracker(conversation_id)
            response = await agent.nlg.generate(name, tracker, output.name()) or response
            tracker.update(BotUttered(response.get("text"), metadata={"utter_action": name, "said_by": "channel"}))
            await agent.tracker_store.save(tracker)
    except Exception as error:  # the default wording still goes out
        log.error("could not read or record the conversation for the channel's reply (%s)", type(error).__name__)
    try:
        await output.send_response(conversation_id, response)
    except Exception as error:
        log.error("REPLY NOT SENT after a turn where the bot said nothing (%s)", type(error).__name__)
