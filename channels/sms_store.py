"""What the SMS channel must remember across restarts: which MessageSids it has handled
(each once), who has opted out (STOP means stop), and delivery status callbacks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, Integer, String, select
from sqlalchemy.exc import IntegrityError

from hotline.db import session_scope
from hotline.models import Base


class InboundSms(Base):
    __tablename__ = "harbor_sms_inbound"

    id = Column(Integer, primary_key=True)
    message_sid = Column(String(64), nullable=False, unique=True)
    kind = Column(String(20), nullable=False)  # text, media, location, keyword, advocate
    received_at = Column(DateTime, nullable=False, default=datetime.utcnow)


class OptOut(Base):
    __tablename__ = "harbor_sms_optouts"

    id = Column(Integer, primary_key=True)
    phone = Column(String(32), nullable=False, unique=True)
    opted_out = Column(Boolean, nullable=False, default=True)
    updated_at = Column(DateTime, nullable=False, default=datetime.utcnow)


class DeliveryStatus(Base):
    __tablename__ = "harbor_sms_status"

    id = Column(Integer, primary_key=True)
    message_sid = Column(String(64), nullable=False, index=True)
    status = Column(String(20), nullable=False)
    error_code = Column(String(10), nullable=True)
    received_at = Column(DateTime, nullable=False, default=datetime.utcnow)


def first_time(message_sid: str, kind: str) -> bool:
    """Record a MessageSid; False when it was handled before (a Twilio retry)."""
    try:
        with session_scope() as session:
            session.add(InboundSms(message_sid=message_sid, kind=kind))
        return True
    except IntegrityError:
        return False


def set_opted_out(phone: str, opted_out: bool) -> None:
    with session_scope() as session:
        row = session.scalar(select(OptOut).where(OptOut.phone == phone))
        if row is None:
            session.add(OptOut(phone=phone, opted_out=opted_out))
        else:
            row.opted_out, row.updated_at = opted_out, datetime.utcnow()


def is_opted_out(phone: str) -> bool:
    with session_scope() as session:
        row = session.scalar(select(OptOut).where(OptOut.phone == phone))
        return bool(row and row.opted_out)


def record_status(message_sid: str, status: str, error_code: str | None) -> None:
    with session_scope() as session:
        session.add(DeliveryStatus(message_sid=message_sid, status=status, error_code=error_code))
