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
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select

from harbor.core.db import session_scope
from harbor.core.settings import HotlineConfig
from hotline.escalations import open_or_update
from hotline.models import OPEN, Escalation

log = logging.getLogger("harbor.escalation")


async def ensure_escalated(app: Any, conversation_id: str, channel: str) -> None:
    """Never raises: a failure here is logged loudly and must not cost the youth their reply."""
    try:
        agent = app.ctx.agent
        tracker = await agent.tracker_store.retrieve(conversation_id)
        latest = tracker.latest_message if tracker is not None else None
        risk = (latest.parse_data or {}).get("risk") if latest is not None else None
        if not risk or not risk.get("escalates"):
            return
        await asyncio.to_thread(_ensure_open, conversation_id, channel, risk["level"], list(risk["categories"]))
    except Exception:
        log.exception("ESCALATION CHECK FAILED after a message; see the errors above")


def _ensure_open(conversation_id: str, channel: str, level: str, categories: list[str]) -> None:
    with session_scope() as session:
        if session.scalar(select(Escalation.id).where(Escalation.conversation_id == conversation_id,
                                                      Escalation.status == OPEN)) is not None:
            return
        opened = open_or_update(session, conversation_id, channel, level, categories, HotlineConfig.from_env(),
                                datetime.utcnow())
    log.error("ESC-%s written by the channel: the action server did not write it (down or failing?); "
              "the youth was not told an advocate was alerted", opened.escalation_id)
