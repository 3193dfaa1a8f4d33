"""Erasing a conversation: on the youth's DELETE, and for idle ones after the retention period.

What goes: the conversation's tracker events (messages, slots such as the safety plan), its SMS
inbox texts, its encrypted number, and any pending DELETE request. What stays: the MessageSids
(with no conversation and no text, only so that Twilio's retries are still dropped), an opt-out
(STOP keeps meaning stop), and an escalation's level, categories, times and acknowledgement, moved
to a fresh id that links to nothing. Plain module: no Rasa imports; Rasa's `events` table is read
as SQL because it lives in the same database.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, DateTime, String, delete, inspect, select, text, update
from sqlalchemy.orm import Session

from channels.sms_store import InboxMessage, SmsNumber
from hotline.db import session_scope
from hotline.models import OPEN, Base, Escalation

ERASED_PREFIX = "erased:"


class EraseRequest(Base):
    """A DELETE waiting for its YES."""

    __tablename__ = "harbor_erase_requests"

    conversation_id = Column(String(80), primary_key=True)
    requested_at = Column(DateTime, nullable=False, default=datetime.utcnow)


@dataclass(frozen=True)
class Erased:
    events: int
    escalations_kept: int


def _has_events_table(session: Session) -> bool:
    return inspect(session.connection()).has_table("events")


def erase(session: Session, conversation_id: str) -> Erased:
    """Erase one conversation inside the caller's transaction."""
    events = 0
    if _has_events_table(session):
        events = session.execute(text("DELETE FROM events WHERE sender_id = :id"), {"id": conversation_id}).rowcount
    session.execute(update(InboxMessage).where(InboxMessage.conversation_id == conversation_id)
                    .values(conversation_id=None, body=None))
    session.execute(delete(SmsNumber).where(SmsNumber.conversation_id == conversation_id))
    session.execute(delete(EraseRequest).where(EraseRequest.conversation_id == conversation_id))
    kept = session.execute(
        update(Escalation).where(Escalation.conversation_id == conversation_id)
        .values(conversation_id=ERASED_PREFIX + secrets.token_hex(16))).rowcount
    return Erased(events=events, escalations_kept=kept)


def request_erasure(conversation_id: str, now: datetime) -> None:
    with session_scope() as session:
        row = session.get(EraseRequest, conversation_id)
        if row is None:
            session.add(EraseRequest(conversation_id=conversation_id, requested_at=now))
        else:
            row.requested_at = now


def take_request(conversation_id: str, now: datetime, valid_for: timedelta) -> bool:
    """Remove a pending DELETE; True when there was one still valid."""
    with session_scope() as session:
        row = session.get(EraseRequest, conversation_id)
        if row is None:
            return False
        session.delete(row)
        return now - row.requested_at <= valid_for


def erase_now(conversation_id: str) -> Erased:
    with session_scope() as session:
        return erase(session, conversation_id)


@dataclass(frozen=True)
class Purged:
    conversations: int
    events: int
    sids: int


def purge_idle(now: datetime, retention: timedelta) -> Purged:
    """Erase every conversation idle longer than `retention` that has no open escalation, and drop
    MessageSids older than that (Twilio stops retrying within hours)."""
    cutoff = now - retention
    with session_scope() as session:
        open_ids = set(session.scalars(select(Escalation.conversation_id).where(Escalation.status == OPEN)))
        idle: set[str] = set()
        if _has_events_table(session):
            rows = session.execute(text("SELECT sender_id FROM events GROUP BY sender_id "
                                        "HAVING MAX(timestamp) < :cutoff"),
                                   {"cutoff": cutoff.timestamp() if cutoff.tzinfo else _epoch(cutoff)})
            idle.update(sender for (sender,) in rows)
        idle.update(session.scalars(select(SmsNumber.conversation_id).where(SmsNumber.updated_at < cutoff)))
        idle -= open_ids
        events = 0
        for conversation_id in sorted(idle):
            events += erase(session, conversation_id).events
        sids = session.execute(delete(InboxMessage).where(
            InboxMessage.received_at < cutoff, InboxMessage.status.in_(("done", "failed")))).rowcount
        session.execute(delete(EraseRequest).where(EraseRequest.requested_at < cutoff))
    return Purged(conversations=len(idle), events=events, sids=sids)


def _epoch(naive_utc: datetime) -> float:
    return (naive_utc - datetime(1970, 1, 1)).total_seconds()
