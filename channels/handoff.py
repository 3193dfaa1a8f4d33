"""The one step every channel takes with a youth's message once its own checks (DELETE, keywords,
size) are done: the bot answers it, or, while an advocate holds the conversation, Rasa only records
it and scores its risk (NLU with the risk detector) and the bot stays silent.

Held: `Agent.log_message` runs the NLU pipeline and stores the user turn under the conversation's
lock, but predicts and runs no action, so nothing is said; session expiry or a "/restart" cannot
undo it, because the hold is read from the database (hotline/takeover.py) on every message. The
message's risk raises the level of the escalation the advocate holds, which the console shows live.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.escalation_guard import ensure_escalated
from channels.silent_turn import CountingOutput, answer_silence, said_nothing_on_purpose
from harbor.core.db import session_scope
from hotline import takeover

log = logging.getLogger("harbor.handoff")


def _holder(conversation_id: str) -> str | None:
    with session_scope() as session:
        return takeover.holder_of(session, conversation_id)


def _raise(conversation_id: str, risk: dict) -> None:
    with session_scope() as session:
        takeover.raise_level(session, conversation_id, risk.get("level", "none"), list(risk.get("categories") or []),
                             datetime.utcnow())


async def pass_on(message: UserMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]], app: Any) -> None:
    conversation_id = message.sender_id
    try:
        holder = await asyncio.to_thread(_holder, conversation_id)
    except Exception as error:  # unknown: answering (and scoring) is safer than silence
        log.error("could not read whether an advocate holds a conversation (%s); the bot answers",
                  type(error).__name__)
        holder = None
    if holder is None or app is None:
        output = message.output_channel
        counted = CountingOutput(output)
        message.output_channel = counted
        await on_new_message(message)
        if app is not None:
            escalated = await ensure_escalated(app, conversation_id, message.input_channel or "unknown",
                                               message.message_id)
            if counted.sent == 0 and not said_nothing_on_purpose(message):
                await answer_silence(app, output, message, escalated)
        return
    recorded = UserMessage(message.text, CollectingOutputChannel(), conversation_id,
                           input_channel=message.input_channel, metadata=message.metadata,
                           message_id=message.message_id)
    tracker = await app.ctx.agent.log_message(recorded)
    risk = (tracker.latest_message.parse_data or {}).get("risk") if tracker.latest_message else None
    if risk:
        try:
            await asyncio.to_thread(_raise, conversation_id, risk)
        except Exception:
            log.exception("RISK OF A HELD CONVERSATION NOT RECORDED on its escalation")
