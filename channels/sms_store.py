"""What the SMS channel keeps across restarts, keyed by conversation pseudonym, never by number:

- the durable inbox: every inbound MessageSid once (Twilio's retries are dropped), and the text
  of a message until the bot has handled it (then the text is cleared);
- the one table that holds phone numbers, encrypted at rest (Fernet, key from the secret store),
  read only to send an SMS;
- opt-outs (STOP means stop) and delivery status callbacks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from harbor.core.db import Base, session_scope
from harbor.core.secret_store import fernet_key

PENDING, HANDLING, DONE, FAILED = "pending", "handling", "done", "failed"


class SmsNumber(Base):
    """The only place a youth's number lives, and only encrypted."""

    __tablename__ = "harbor_sms_numbers"

    conversation_id = Column(String(80), primary_key=True)
    number_encrypted = Column(Text, nullable=False)
    updated_at = Column(DateTime, nullable=False, default=datetime.utcnow)


class InboxMessage(Base):
    """One row per inbound MessageSid, written before Twilio gets its 200."""

    __tablename__ = "harbor_sms_inbox"

    id = Column(Integer, primary_key=True)
    message_sid = Column(String(64), nullable=False, unique=True)
    conversation_id = Column(String(80), nullable=True, index=True)  # None: advocate, or erased
    kind = Column(String(20), nullable=False)  # text, media, location, keyword, advocate
    body = Column(Text, nullable=True)  # only until handled
    was_cut = Column(Boolean, nullable=False, default=False)
    status = Column(String(20), nullable=False, default=PENDING, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    lease_until = Column(DateTime, nullable=True)
    received_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    handled_at = Column(DateTime, nullable=True)


class SmsOptOut(Base):
    __tablename__ = "harbor_sms_opt_outs"

    conversation_id = Column(String(80), primary_key=True)
    opted_out = Column(Boolean, nullable=False, default=True)
    updated_at = Column(DateTime, nullable=False, default=datetime.utcnow)


class DeliveryStatus(Base):
    __tablename__ = "harbor_sms_status"

    id = Column(Integer, primary_key=True)
    message_sid = Column(String(64), nullable=False, index=True)
    status = Column(String(20), nullable=False)
    error_code = Column(String(10), nullable=True)
    received_at = Column(DateTime, nullable=False, default=datetime.utcnow)


def _vault() -> Fernet:
    return Fernet(fernet_key("sms-number"))


def accept(message_sid: str, conversation_id: str | None, kind: str, body: str | None = None,
           was_cut: bool = False, number: str | None = None) -> bool:
    """Record an inbound message (and, for a youth, the encrypted number) in one transaction.

    Only a "text" row is left pending for the inbox worker; every other kind is answered at once and
    stored as done, with no text. False when the MessageSid was seen before (a Twilio retry).
    """
    to_handle = kind == "text"
    try:
        with session_scope() as session:
            session.add(InboxMessage(message_sid=message_sid, conversation_id=conversation_id, kind=kind,
                                     body=body if to_handle else None, was_cut=was_cut,
                                     status=PENDING if to_handle else DONE,
                                     handled_at=None if to_handle else datetime.utcnow()))
            if number is not None and conversation_id is not None:
                remember_number_in(session, conversation_id, number)
        return True
    except IntegrityError:
        return False


def remember_number_in(session: Session, conversation_id: str, number: str) -> None:
    row = session.get(SmsNumber, conversation_id)
    encrypted = _vault().encrypt(number.encode()).decode()
    if row is None:
        session.add(SmsNumber(conversation_id=conversation_id, number_encrypted=encrypted))
    else:
        row.number_encrypted, row.updated_at = encrypted, datetime.utcnow()


def number_for(conversation_id: str) -> str | None:
    """Decrypt the number of an SMS conversation, only to send it a message."""
    with session_scope() as session:
        row = session.get(SmsNumber, conversation_id)
        if row is None:
            return None
        try:
            return _vault().decrypt(row.number_encrypted.encode()).decode()
        except InvalidToken:
            return None  # the id secret changed: the number cannot be read any more


def remember_number(conversation_id: str, number: str) -> None:
    with session_scope() as session:
        remember_number_in(session, conversation_id, number)


# --- the inbox worker's side ----------------------------------------------------------------
def conversations_waiting(now: datetime) -> list[str]:
    """Conversations with a message to handle (pending, or claimed by a worker whose lease ran out)."""
    with session_scope() as session:
        rows = session.execute(
            select(InboxMessage.conversation_id).where(_claimable(now)).order_by(InboxMessage.id))
        seen: dict[str, None] = {}
        for (conversation_id,) in rows:
            if conversation_id is not None:
                seen.setdefault(conversation_id, None)
        return list(seen)


def inbox_depth() -> int:
    """Messages accepted and not yet handled (pending, or being handled): the /metrics gauge."""
    with session_scope() as session:
        return int(session.scalar(select(func.count(InboxMessage.id))
                                  .where(InboxMessage.status.in_((PENDING, HANDLING)))) or 0)


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    return ((InboxMessage.status == PENDING)
            | ((InboxMessage.status == HANDLING) & (InboxMessage.lease_until < now)))


def claim_next(conversation_id: str, now: datetime, lease: timedelta) -> InboxMessage | None:
    """The conversation's oldest unhandled message, claimed with a conditional UPDATE so that two
    workers never handle one row; None when there is nothing to do, or an older message of this
    conversation is still being handled elsewhere (order within a conversation is kept)."""
    with session_scope() as session:
        oldest = session.scalar(
            select(InboxMessage)
            .where(InboxMessage.conversation_id == conversation_id,
                   InboxMessage.status.in_((PENDING, HANDLING)))
            .order_by(InboxMessage.id).limit(1))
        if oldest is None:
            return None
        claimed = session.execute(
            update(InboxMessage)
            .where(InboxMessage.id == oldest.id, _claimable(now))
            .values(status=HANDLING, attempts=InboxMessage.attempts + 1, lease_until=now + lease))
        if claimed.rowcount != 1:
            return None
        session.flush()
        session.refresh(oldest)
        return oldest


def extend_lease(row_id: int, until: datetime) -> None:
    with session_scope() as session:
        session.execute(update(InboxMessage).where(InboxMessage.id == row_id, InboxMessage.status == HANDLING)
                        .values(lease_until=until))


def finish(row_id: int, status: str, now: datetime) -> None:
    """Done: the text is cleared, the MessageSid stays to drop retries. Failed for good: the text is
    kept for an operator to replay (the retention purge removes it with the conversation)."""
    values = {"status": status, "lease_until": None, "handled_at": now}
    if status == DONE:
        values["body"] = None
    with session_scope() as session:
        session.execute(update(InboxMessage).where(InboxMessage.id == row_id).values(**values))


def release(row_id: int, retry_at: datetime) -> None:
    """Put a row back for another try after a failure (its lease doubles as the retry time)."""
    with session_scope() as session:
        session.execute(update(InboxMessage).where(InboxMessage.id == row_id)
                        .values(status=HANDLING, lease_until=retry_at))


# --- opt-outs and delivery status -------------------------------------------------------------
def set_opted_out(conversation_id: str, opted_out: bool) -> None:
    with session_scope() as session:
        set_opted_out_in(session, conversation_id, opted_out)


def set_opted_out_in(session: Session, conversation_id: str, opted_out: bool) -> None:
    row = session.get(SmsOptOut, conversation_id)
    if row is None:
        session.add(SmsOptOut(conversation_id=conversation_id, opted_out=opted_out))
    else:
        row.opted_out, row.updated_at = opted_out, datetime.utcnow()


def is_opted_out(conversation_id: str) -> bool:
    with session_scope() as session:
        row = session.get(SmsOptOut, conversation_id)
        return bool(row and row.opted_out)


def record_status(message_sid: str, status: str, error_code: str | None) -> None:
    with session_scope() as session:
        session.add(DeliveryStatus(message_sid=message_sid, status=status, error_code=error_code))
