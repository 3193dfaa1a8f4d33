"""An advocate takes a conversation over: while they hold it the bot says nothing to the youth, every
message the youth sends is still scored for risk (and can only raise the escalation's level), and what
the advocate writes goes out on the youth's own channel, in order, from an outbox.

The hold lives in the database, not in Rasa's tracker: Rasa 3.6 un-pauses a tracker when a new
session starts (SessionStarted resets `paused`), and a youth's /restart would too. The channels ask
`holder_of` before handing a message to the bot (channels/handoff.py). One owner at a time: only the
advocate who claimed the escalation can take it over, and a conversation has at most one hold.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text, delete, or_, select, update
from sqlalchemy.orm import Session

from harbor.core.db import Base
from harbor.core.risk_levels import rank
from hotline.escalations import escalation_by_id
from hotline.models import CLOSED, Escalation

MAX_PART_CHARS = 320  # as the bot's own replies: two GSM-7 segments at most
MAX_MESSAGE_CHARS = 1600
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


class ConversationHold(Base):
    __tablename__ = "harbor_conversation_holds"

    conversation_id = Column(String(255), primary_key=True)  # unique: one holder at a time
    escalation_id = Column(Integer, ForeignKey("harbor_escalations.id"), nullable=False)
    held_by = Column(String(80), nullable=False)
    since = Column(DateTime, nullable=False)


class AdvocateMessage(Base):
    """The outbox of what advocates write; the channels deliver it (channels/advocate_outbox.py)."""

    __tablename__ = "harbor_advocate_messages"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    escalation_id = Column(Integer, ForeignKey("harbor_escalations.id"), nullable=False)
    written_by = Column(String(80), nullable=False)
    body = Column(Text, nullable=False)
    status = Column(String(20), nullable=False, default=PENDING, index=True)
    lease_until = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    sent_at = Column(DateTime, nullable=True)
    error = Column(String(200), nullable=True)


class PageExit(Base):
    """A web-chat youth pressed Quick exit while an escalation about them was not closed: the advocate
    sees "left the page". A time and nothing else."""

    __tablename__ = "harbor_page_exits"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    at = Column(DateTime, nullable=False)


class TakeoverError(ValueError):
    """What the advocate tried cannot be done now; the message says why."""



def holder_of(session: Session, conversation_id: str) -> str | None:
    hold = session.get(ConversationHold, conversation_id)
    return hold.held_by if hold else None


def take_over(session: Session, escalation_id: int, username: str, now: datetime) -> ConversationHold:
    escalation = escalation_by_id(session, escalation_id)
    if escalation.status == CLOSED:
        raise TakeoverError(f"ESC-{escalation_id} is closed")
    if escalation.acknowledged_by != username:
        raise TakeoverError("claim it first: only the advocate who holds an escalation can take the conversation over")
    hold = session.get(ConversationHold, escalation.conversation_id)
    if hold is not None and hold.held_by != username:
        raise TakeoverError(f"{hold.held_by} is talking with this youth now")
    if hold is None:
        hold = ConversationHold(conversation_id=escalation.conversation_id, escalation_id=escalation_id,
                                held_by=username, since=now)
        session.add(hold)
        session.flush()
    return hold


def hand_back(session: Session, escalation_id: int, username: str | None = None) -> bool:
    """Release the conversation to the bot (anyone's hold when `username` is None, as closing does)."""
    escalation = escalation_by_id(session, escalation_id)
    hold = session.get(ConversationHold, escalation.conversation_id)
    if hold is None:
        return False
    if username is not None and hold.held_by != username:
        raise TakeoverError(f"{hold.held_by} holds this conversation")
    session.delete(hold)
    session.flush()
    return True


def split_for_sms(text: str, limit: int = MAX_PART_CHARS) -> list[str]:
    """Parts of at most `limit` characters, cut between words where there is a space to cut at."""
    words, parts, current = text.split(), [], ""
    for word in words:
        while len(word) > limit:  # a run without spaces (a link): cut it hard
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) > limit:
            parts.append(current)
            current = word
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts


def write_to_youth(session: Session, escalation_id: int, username: str, text: str, now: datetime) -> list[int]:
    """Queue the advocate's message (split as the bot splits) for the youth's channel; its ids."""
    escalation = escalation_by_id(session, escalation_id)
    hold = session.get(ConversationHold, escalation.conversation_id)
    if hold is None or hold.held_by != username:
        raise TakeoverError("take the conversation over first, so the bot stays quiet while you write")
    text = " ".join((text or "").split())
    if not text:
        raise TakeoverError("the message is empty")
    if len(text) > MAX_MESSAGE_CHARS:
        raise TakeoverError(f"keep it under {MAX_MESSAGE_CHARS} characters (it goes out as text messages)")
    rows = [AdvocateMessage(conversation_id=escalation.conversation_id, escalation_id=escalation_id,
                            written_by=username, body=part, created_at=now) for part in split_for_sms(text)]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def claim_next(session: Session, prefix: str, now: datetime, lease_seconds: float = 30.0) -> AdvocateMessage | None:
    """The oldest undelivered message of a conversation whose id starts with `prefix` ("sms:", "web:"),
    leased to the caller; never one whose conversation has an earlier message still in flight."""
    busy = select(AdvocateMessage.conversation_id).where(
        AdvocateMessage.status == SENDING, AdvocateMessage.lease_until > now)
    candidate = session.scalar(
        select(AdvocateMessage).where(
            AdvocateMessage.conversation_id.startswith(prefix, autoescape=True),
            or_(AdvocateMessage.status == PENDING,
                (AdvocateMessage.status == SENDING) & (AdvocateMessage.lease_until <= now)),
            AdvocateMessage.conversation_id.not_in(busy))
        .order_by(AdvocateMessage.id).limit(1))
    if candidate is None:
        return None
    # The lease it had is part of the condition: of two workers re-leasing an expired one, one wins.
    lease = (AdvocateMessage.lease_until.is_(None) if candidate.lease_until is None
             else AdvocateMessage.lease_until == candidate.lease_until)
    claimed = session.execute(
        update(AdvocateMessage).where(AdvocateMessage.id == candidate.id, AdvocateMessage.status == candidate.status,
                                      lease).values(status=SENDING, lease_until=now + timedelta(seconds=lease_seconds)))
    return candidate if claimed.rowcount == 1 else None


def mark_delivered(session: Session, message_id: int, now: datetime, error: str | None = None) -> bool:
    """False when the message is gone (the conversation was erased while it was on its way)."""
    done = session.execute(update(AdvocateMessage).where(AdvocateMessage.id == message_id).values(
        status=FAILED if error else SENT, sent_at=now, lease_until=None, error=(error or None) and error[:200]))
    return done.rowcount == 1


def raise_level(session: Session, conversation_id: str, level: str, categories: list[str], now: datetime) -> bool:
    """A held conversation's new risk: the escalation the advocate holds rises (never falls). True if it rose."""
    hold = session.get(ConversationHold, conversation_id)
    if hold is None or level not in ("concern", "high", "imminent"):
        return False
    escalation = session.get(Escalation, hold.escalation_id)
    known = [c for c in escalation.categories.split(",") if c]
    merged = known + [c for c in categories if c not in known]
    rose = rank(level) > rank(escalation.level)
    if rose or merged != known:
        escalation.level = level if rose else escalation.level
        escalation.categories = ",".join(merged)
        escalation.updated_at = now
    return rose


def messages_for(session: Session, conversation_id: str) -> list[AdvocateMessage]:
    return list(session.scalars(select(AdvocateMessage).where(AdvocateMessage.conversation_id == conversation_id)
                                .order_by(AdvocateMessage.id)))


def note_left_page(session: Session, conversation_id: str, now: datetime) -> bool:
    """Record a Quick exit, only for a conversation with an escalation not yet closed. True if kept."""
    escalated = session.scalar(select(Escalation.id).where(Escalation.conversation_id == conversation_id,
                                                           Escalation.status != CLOSED).limit(1))
    if escalated is None:
        return False
    session.add(PageExit(conversation_id=conversation_id, at=now))
    return True


def page_exits(session: Session, conversation_id: str) -> list[datetime]:
    return list(session.scalars(select(PageExit.at).where(PageExit.conversation_id == conversation_id)
                                .order_by(PageExit.at)))


def forget(session: Session, conversation_id: str) -> None:
    """Erasure: what advocates wrote, the hold and the Quick exits of this conversation go with it."""
    for model in (AdvocateMessage, ConversationHold, PageExit):
        session.execute(delete(model).where(model.conversation_id == conversation_id))
