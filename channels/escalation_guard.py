"""Rule 3 holds even when the action server does not answer.

`action_escalate` (bot/actions/escalation.py) writes the escalation and tells the youth. If the
action server is down or restarting when an escalating message arrives, Rasa logs the failed action
and carries on, and nobody would be paged. So after the bot has handled a message, every channel
calls `ensure_escalated`: when the message's own risk assessment escalates and the conversation has
no open escalation, it writes one (and its first page) here. When the action did its work, this is
one read that finds the open escalation and does nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered
from sqlalchemy import select

from harbor.core.db import session_scope
from harbor.core.settings import HotlineConfig
from hotline.escalations import advocate_alerted, open_or_update
from hotline.models import OPEN, Escalation

log = logging.getLogger("harbor.escalation")
# How far back the message a turn was about is looked for among the conversation's user events.
RECENT_USER_EVENTS = 8


@dataclass(frozen=True)
class Escalated:
    """The conversation's open escalation, after a message whose own risk escalates."""
    escalation_id: int
    categories: list[str]
    classifier_intent: str | None


async def ensure_escalated(app: Any, conversation_id: str, channel: str,
                           message_id: str | None = None) -> Escalated | None:
    """Never raises: a failure here is logged loudly and must not cost the youth their reply."""
    try:
        parse_data = await latest_parse_data(app.ctx.agent.tracker_store, conversation_id, message_id)
        risk = (parse_data or {}).get("risk")
        if not risk or not risk.get("escalates"):
            return None
        categories = list(risk["categories"])
        escalation_id = await asyncio.to_thread(_ensure_open, conversation_id, channel, risk["level"], categories)
        return Escalated(escalation_id, categories, risk.get("classifier_intent"))
    except Exception:
        log.exception("ESCALATION CHECK FAILED after a message; see the errors above")
        return None


async def latest_risk(store: Any, conversation_id: str) -> dict[str, Any] | None:
    return ((await latest_parse_data(store, conversation_id)) or {}).get("risk")


async def latest_parse_data(store: Any, conversation_id: str, message_id: str | None = None) -> dict[str, Any] | None:
    """What NLU made of this message (its risk assessment among it): the user event with `message_id`, or the
    conversation's latest if it is not among the last few (web chat and REST messages of one conversation may be
    handled back to back, so the latest may be the next one). From Rasa's SQL store it is one indexed read of a
    few events: retrieving the tracker replays every event of the session, and this runs after every message
    (bench/load)."""
    sql = getattr(store, "_tracker_store", store)  # Rasa wraps its store (FailSafeTrackerStore, AwaitableTrackerStore)
    if isinstance(sql, SQLTrackerStore):
        events = await asyncio.to_thread(_latest_user_events, sql, conversation_id)
    else:
        tracker = await store.retrieve(conversation_id)
        users = [e for e in reversed(tracker.events) if isinstance(e, UserUttered)] if tracker is not None else []
        events = [{"parse_data": e.parse_data, "message_id": e.message_id} for e in users[:RECENT_USER_EVENTS]]
    if not events:
        return None
    mine = next((e for e in events if message_id and e.get("message_id") == message_id), events[0])
    return mine.get("parse_data")


def alerted(escalation_id: int) -> bool:
    with session_scope() as session:
        return advocate_alerted(session, escalation_id)


def _latest_user_events(store: SQLTrackerStore, conversation_id: str) -> list[dict[str, Any]]:
    events = store.SQLEvent
    with store.session_scope() as session:
        rows = (session.query(events.data)
                .filter(events.sender_id == conversation_id, events.type_name == UserUttered.type_name)
                .order_by(events.id.desc()).limit(RECENT_USER_EVENTS).all())
    return [json.loads(row[0]) for row in rows]


def _ensure_open(conversation_id: str, channel: str, level: str, categories: list[str]) -> int:
    with session_scope() as session:
        existing = session.scalar(select(Escalation.id).where(Escalation.conversation_id == conversation_id,
                                                              Escalation.status == OPEN))
        if existing is not None:
            return existing
        opened = open_or_update(session, conversation_id, channel, level, categories, HotlineConfig.from_env(),
                                datetime.utcnow())
    log.error("ESC-%s written by the channel: the action server did not write it (down or failing?)",
              opened.escalation_id)
    return opened.escalation_id
