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
from datetime import datetime
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered
from sqlalchemy import select

from harbor.core.db import session_scope
from harbor.core.settings import HotlineConfig
from hotline.escalations import open_or_update
from hotline.models import OPEN, Escalation

log = logging.getLogger("harbor.escalation")


async def ensure_escalated(app: Any, conversation_id: str, channel: str) -> None:
    """Never raises: a failure here is logged loudly and must not cost the youth their reply."""
    try:
        risk = await latest_risk(app.ctx.agent.tracker_store, conversation_id)
        if not risk or not risk.get("escalates"):
            return
        await asyncio.to_thread(_ensure_open, conversation_id, channel, risk["level"], list(risk["categories"]))
    except Exception:
        log.exception("ESCALATION CHECK FAILED after a message; see the errors above")


async def latest_risk(store: Any, conversation_id: str) -> dict[str, Any] | None:
    """The risk assessment of the conversation's latest message. From Rasa's SQL store it is one
    indexed read of that one event: retrieving the tracker replays every event of the session, and
    this runs after every message (bench/load)."""
    sql = getattr(store, "_tracker_store", store)  # Rasa wraps its store (FailSafeTrackerStore, AwaitableTrackerStore)
    if isinstance(sql, SQLTrackerStore):
        event = await asyncio.to_thread(_latest_user_event, sql, conversation_id)
    else:
        tracker = await store.retrieve(conversation_id)
        latest = tracker.latest_message if tracker is not None else None
        event = {"parse_data": latest.parse_data} if latest is not None else None
    return ((event or {}).get("parse_data") or {}).get("risk")


def _latest_user_event(store: SQLTrackerStore, conversation_id: str) -> dict[str, Any] | None:
    events = store.SQLEvent
    with store.session_scope() as session:
        row = (session.query(events.data)
               .filter(events.sender_id == conversation_id, events.type_name == UserUttered.type_name)
               .order_by(events.id.desc()).first())
    return json.loads(row[0]) if row is not None else None


def _ensure_open(conversation_id: str, channel: str, level: str, categories: list[str]) -> None:
    with session_scope() as session:
        if session.scalar(select(Escalation.id).where(Escalation.conversation_id == conversation_id,
                                                      Escalation.status == OPEN)) is not None:
            return
        opened = open_or_update(session, conversation_id, channel, level, categories, HotlineConfig.from_env(),
                                datetime.utcnow())
    log.error("ESC-%s written by the channel: the action server did not write it (down or failing?); "
              "the youth was not told an advocate was alerted", opened.escalation_id)
