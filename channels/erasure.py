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

from sqlalchemy import Column, DateTime, String, delete, func, inspect, select, text, update
from sqlalchemy.orm import Session

from channels.sms_store import HANDLING, PENDING, InboxMessage, SmsNumber
from harbor.core.db import Base, engine_for, session_scope
from harbor.core.settings import database_url
from hotline import takeover
from hotline.console import casework, transfers
from hotline.models import OPEN, Escalation

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
    # Messages still waiting (sent right after the YES) are kept, and so is the number to answer them.
    session.execute(update(InboxMessage).where(InboxMessage.conversation_id == conversation_id,
                                               InboxMessage.status != PENDING)
                    .values(conversation_id=None, body=None))
    waiting = session.scalar(select(func.count(InboxMessage.id)).where(
        InboxMessage.conversation_id == conversation_id, InboxMessage.status == PENDING))
    if not waiting:
        session.execute(delete(SmsNumber).where(SmsNumber.conversation_id == conversation_id))
    session.execute(delete(EraseRequest).where(EraseRequest.conversation_id == conversation_id))
    takeover.forget(session, conversation_id)
    escalation_ids = list(session.scalars(select(Escalation.id).where(Escalation.conversation_id == conversation_id)))
    casework.forget_notes(session, escalation_ids)
    transfers.forget_notes(session, escalation_ids)
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
        erased = erase(session, conversation_id)
    checkpoint()
    return erased


def checkpoint() -> None:
    """SQLite keeps recent pages in its write-ahead log: fold it into the (secure_delete) file and
    truncate it, so erased text does not linger there. Best effort: a reader may hold pages back."""
    url = database_url()
    if url.startswith("sqlite"):
        with engine_for(url).connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


@dataclass(frozen=True)
class Purged:
    conversations: int
    events: int
    sids: int


def purge_idle(now: datetime, retention: timedelta) -> Purged:
    """Erase every conversation idle longer than `retention` that has no open escalation, and drop
    MessageSids older than that (Twilio stops retrying within hours). Each conversation is re-checked
    and erased in its own transaction, so one that woke up meanwhile is left alone."""
    cutoff = now - retention
    with session_scope() as session:
        candidates: set[str] = set()
        if _has_events_table(session):
            rows = session.execute(text("SELECT sender_id FROM events GROUP BY sender_id "
                                        "HAVING MAX(timestamp) < :cutoff"), {"cutoff": _epoch(cutoff)})
            candidates.update(sender for (sender,) in rows)
        candidates.update(session.scalars(select(SmsNumber.conversation_id).where(SmsNumber.updated_at < cutoff)))
    erased = events = 0
    for conversation_id in sorted(candidates):
        with session_scope() as session:
            if _still_idle(session, conversation_id, cutoff):
                events += erase(session, conversation_id).events
                erased += 1
    with session_scope() as session:
        sids = session.execute(delete(InboxMessage).where(
            InboxMessage.received_at < cutoff, InboxMessage.status.in_(("done", "failed")))).rowcount
        session.execute(delete(EraseRequest).where(EraseRequest.requested_at < cutoff))
    checkpoint()
    return Purged(conversations=erased, events=events, sids=sids)


def _still_idle(session: Session, conversation_id: str, cutoff: datetime) -> bool:
    """Idle by every record it has: old events, an old number, no waiting message, no open escalation."""
    if session.scalar(select(Escalation.id).where(Escalation.conversation_id == conversation_id,
                                                  Escalation.status == OPEN)) is not None:
        return False
    if session.scalar(select(InboxMessage.id).where(InboxMessage.conversation_id == conversation_id,
                                                    InboxMessage.status.in_((PENDING, HANDLING)))) is not None:
        return False
    number = session.get(SmsNumber, conversation_id)
    if number is not None and number.updated_at >= cutoff:
        return False
    if _has_events_table(session):
        latest = session.scalar(text("SELECT MAX(timestamp) FROM events WHERE sender_id = :id"),
                                {"id": conversation_id})
        if latest is not None and latest >= _epoch(cutoff):
            return False
    return True


def _epoch(naive_utc: datetime) -> float:
    return (naive_utc - datetime(1970, 1, 1)).total_seconds()
