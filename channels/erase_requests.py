"""DELETE on any channel: a youth asks ("DELETE", "delete this conversation"), Harbor asks to
confirm, and YES within ten minutes erases the conversation (channels/erasure.py).

The channels call `intercept` before a message reaches the bot. Only whole messages that are a
delete request, or the YES right after one, are taken: "he made me delete my texts" is not a
request and goes to the bot (and its risk scoring) like any other message.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta
from typing import Any

from channels import erasure
from channels.texts import channel_text

log = logging.getLogger("harbor.erase")

CONFIRM_WITHIN = timedelta(minutes=10)
_POLITE = r"(?:please|pls|plz|can you|could you|i want to|i wanna|i would like to|i'd like to|id like to)"
_WHAT = r"(?:this|my|the|our|all|of|everything|conversation|convo|chat|chats|messages|msgs|texts|history|data|number)"
DELETE_REQUEST = re.compile(
    rf"^(?:{_POLITE}\s+)*(?:delete|erase|wipe|clear)(?:\s+{_WHAT})*(?:\s+please|\s+pls|\s+now)?$")
YES = re.compile(r"^(?:yes|y|yes please|yes delete( it)?|yes erase( it)?|delete it|confirm)$")


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s']", " ", text.lower())).strip()


def is_delete_request(text: str) -> bool:
    return bool(DELETE_REQUEST.match(_normal(text)))


async def intercept(conversation_id: str, text: str, channel: str, app: Any = None,
                    now: datetime | None = None) -> str | None:
    """The reply when `text` is a delete request or its confirmation (then the bot never sees it);
    None otherwise. `channel` "sms" words the question for texting, anything else for typing.
    If the erase machinery itself fails, the message goes on to the bot (and its risk scoring)."""
    try:
        return await _intercept(conversation_id, text, channel, app, now)
    except Exception:
        log.exception("DELETE handling failed; the message goes on to the bot")
        return None


async def _intercept(conversation_id: str, text: str, channel: str, app: Any, now: datetime | None) -> str | None:
    now = now or datetime.utcnow()
    said = _normal(text)
    if DELETE_REQUEST.match(said):
        await asyncio.to_thread(erasure.request_erasure, conversation_id, now)
        return channel_text("utter_erase_confirm_sms" if channel == "sms" else "utter_erase_confirm_web")
    confirmed = await asyncio.to_thread(erasure.take_request, conversation_id, now, CONFIRM_WITHIN)
    if not confirmed or not YES.match(said):
        return None  # anything but YES keeps the conversation; the message goes on to the bot
    await _erase_locked(conversation_id, app)
    return channel_text("utter_erased")


async def _erase_locked(conversation_id: str, app: Any) -> None:
    """Erase while holding Rasa's lock on the conversation, so no turn is half-written around it."""
    lock_store = getattr(getattr(getattr(app, "ctx", None), "agent", None), "lock_store", None)
    if lock_store is None:
        erased = await asyncio.to_thread(erasure.erase_now, conversation_id)
    else:
        async with lock_store.lock(conversation_id):
            erased = await asyncio.to_thread(erasure.erase_now, conversation_id)
    log.info("a conversation was erased on request (%s events; %s escalation records kept without it)",
             erased.events, erased.escalations_kept)
