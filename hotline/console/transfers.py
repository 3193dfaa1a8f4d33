"""Handing an escalation on: to a named colleague (who must accept within a few minutes, or it comes
back to the sender), back to the queue (anyone may claim it; the bot answers meanwhile), or, by a
supervisor, straight to someone (reassign). The note travels with it; every step is audited.

Expiry needs no timer: a pending transfer older than the timeout is returned whenever anything
reads it (`pending_for`), so what the console shows is always current.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Session

from harbor.core.db import Base
from hotline import takeover
from hotline.console import audit
from hotline.console.accounts import ConsoleUser
from hotline.escalations import escalation_by_id, mark_acknowledged
from hotline.models import CLOSED, Escalation

PENDING, ACCEPTED, RETURNED, DECLINED = "pending", "accepted", "returned", "declined"
DEFAULT_TIMEOUT = timedelta(minutes=5)


class Transfer(Base):
    __tablename__ = "harbor_transfers"

    id = Column(Integer, primary_key=True)
    escalation_id = Column(Integer, ForeignKey("harbor_escalations.id"), nullable=False, index=True)
    from_user = Column(String(80), nullable=False)
    to_user = Column(String(80), nullable=True)  # None: back to the queue
    note = Column(Text, nullable=False, default="")
    status = Column(String(20), nullable=False, default=PENDING)
    created_at = Column(DateTime, nullable=False)
    settled_at = Column(DateTime, nullable=True)


class TransferError(ValueError):
    """The transfer cannot be done; the message says why."""


@dataclass(frozen=True)
class Offer:
    escalation_id: int
    from_user: str
    note: str
    minutes_left: int


def _held_by(session: Session, escalation_id: int, username: str) -> Escalation:
    escalation = escalation_by_id(session, escalation_id)
    if escalation.status == CLOSED:
        raise TransferError(f"ESC-{escalation_id} is closed")
    if escalation.acknowledged_by != username:
        raise TransferError("only the advocate who holds it can hand it on")
    return escalation


def _move(session: Session, escalation: Escalation, to_user: str | None) -> None:
    """The escalation (and the conversation, if it was taken over) now belongs to `to_user`."""
    escalation.acknowledged_by = to_user
    hold = session.get(takeover.ConversationHold, escalation.conversation_id)
    if hold is not None:
        if to_user is None:
            session.delete(hold)  # back in the queue: the bot answers until someone takes it over
        else:
            hold.held_by = to_user


def _expire(session: Session, now: datetime, timeout: timedelta) -> None:
    for stale in session.scalars(select(Transfer).where(Transfer.status == PENDING,
                                                        Transfer.created_at <= now - timeout)):
        stale.status, stale.settled_at = RETURNED, now
        audit.record(session, "harbor", "transfer returned", f"ESC-{stale.escalation_id}",
                     detail=f"not accepted by {stale.to_user}", now=now)


def offer(session: Session, escalation_id: int, username: str, to_user: str | None, note: str,
          now: datetime, timeout: timedelta = DEFAULT_TIMEOUT) -> Transfer:
    escalation = _held_by(session, escalation_id, username)
    _expire(session, now, timeout)
    if session.scalar(select(Transfer.id).where(Transfer.escalation_id == escalation_id,
                                                Transfer.status == PENDING)) is not None:
        raise TransferError("a transfer of it is waiting already")
    if to_user is not None:
        target = session.scalar(select(ConsoleUser).where(ConsoleUser.username == to_user.strip().lower()))
        if target is None or target.disabled:
            raise TransferError(f"no console user named {to_user!r}")
        if target.username == username:
            raise TransferError("it is yours already")
        to_user = target.username
    transfer = Transfer(escalation_id=escalation_id, from_user=username, to_user=to_user, note=(note or "")[:2000],
                        created_at=now, status=PENDING if to_user else ACCEPTED, settled_at=None if to_user else now)
    session.add(transfer)
    if to_user is None:
        _move(session, escalation, None)
        decline_pending(session, escalation_id, now)
    audit.record(session, username, "transfer", f"ESC-{escalation_id}", detail=f"to {to_user or 'the queue'}",
                 now=now)
    session.flush()
    return transfer


def pending_for(session: Session, username: str, now: datetime,
                timeout: timedelta = DEFAULT_TIMEOUT) -> list[Offer]:
    _expire(session, now, timeout)
    return [Offer(t.escalation_id, t.from_user, t.note,
                  max(0, math.ceil((t.created_at + timeout - now).total_seconds() / 60)))
            for t in session.scalars(select(Transfer).where(Transfer.status == PENDING, Transfer.to_user == username)
                                     .order_by(Transfer.created_at))]


def latest_note(session: Session, escalation_id: int) -> Transfer | None:
    return session.scalar(select(Transfer).where(Transfer.escalation_id == escalation_id)
                          .order_by(Transfer.id.desc()).limit(1))


def decline_pending(session: Session, escalation_id: int, now: datetime) -> None:
    """Offers made before it was reassigned, handed to the queue or closed can no longer be accepted."""
    for stale in session.scalars(select(Transfer).where(Transfer.escalation_id == escalation_id,
                                                        Transfer.status == PENDING)):
        stale.status, stale.settled_at = DECLINED, now


def accept(session: Session, escalation_id: int, username: str, now: datetime,
           timeout: timedelta = DEFAULT_TIMEOUT) -> None:
    _expire(session, now, timeout)
    transfer = session.scalar(select(Transfer).where(Transfer.escalation_id == escalation_id,
                                                     Transfer.status == PENDING, Transfer.to_user == username))
    if transfer is None:
        raise TransferError("no transfer of it is waiting for you (it may have gone back after "
                            f"{int(timeout.total_seconds() // 60)} minutes)")
    escalation = escalation_by_id(session, escalation_id)
    if escalation.status == CLOSED or escalation.acknowledged_by != transfer.from_user:
        transfer.status, transfer.settled_at = DECLINED, now
        raise TransferError(f"{transfer.from_user} no longer holds it, so the offer lapsed")
    _move(session, escalation, username)
    transfer.status, transfer.settled_at = ACCEPTED, now
    audit.record(session, username, "accept transfer", f"ESC-{escalation_id}", detail=f"from {transfer.from_user}",
                 now=now)


def reassign(session: Session, escalation_id: int, supervisor: str, to_user: str, now: datetime) -> None:
    """A supervisor moves it to someone at once (no acceptance needed)."""
    escalation = escalation_by_id(session, escalation_id)
    if escalation.status == CLOSED:
        raise TransferError(f"ESC-{escalation_id} is closed")
    target = session.scalar(select(ConsoleUser).where(ConsoleUser.username == (to_user or "").strip().lower()))
    if target is None or target.disabled:
        raise TransferError(f"no console user named {to_user!r}")
    previous = escalation.acknowledged_by
    decline_pending(session, escalation_id, now)
    mark_acknowledged(session, escalation, target.username, now)  # stops the pages if nobody had
    _move(session, escalation, target.username)
    audit.record(session, supervisor, "reassign", f"ESC-{escalation_id}",
                 detail=f"from {previous or 'nobody'} to {target.username}", now=now)


def forget_notes(session: Session, escalation_ids: list[int]) -> None:
    """Erasure: the notes passed between advocates about the youth go."""
    if escalation_ids:
        session.execute(update(Transfer).where(Transfer.escalation_id.in_(escalation_ids)).values(note=""))
