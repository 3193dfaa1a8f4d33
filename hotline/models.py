"""Hotline tables (prefixed harbor_), in the same database as Rasa's tracker store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import relationship

from harbor.core.db import Base

OPEN, ACKNOWLEDGED, CLOSED = "open", "acknowledged", "closed"
PENDING, SENDING, SENT, FAILED, CANCELLED = "pending", "sending", "sent", "failed", "cancelled"
# A page written during a page storm: kept for the queue, never sent by the pager, no re-page timers.
HELD = "held"
# Idempotency keys of page-storm alerts start with this; they belong to no advocate's ACK.
STORM_KEY_PREFIX = "storm-"
PRIMARY, BACKUP = "primary", "backup"
ADVOCATE, SUPERVISOR = "advocate", "supervisor"


class Advocate(Base):
    __tablename__ = "harbor_advocates"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False, unique=True)
    phone = Column(String(20), nullable=False, unique=True)  # E.164
    timezone = Column(String(64), nullable=False, default="America/Los_Angeles")
    role = Column(String(20), nullable=False, default=ADVOCATE)
    supervisor_id = Column(Integer, ForeignKey("harbor_advocates.id"), nullable=True)
    active = Column(Boolean, nullable=False, default=True)

    supervisor = relationship("Advocate", remote_side=[id])


class Shift(Base):
    __tablename__ = "harbor_shifts"

    id = Column(Integer, primary_key=True)
    advocate_id = Column(Integer, ForeignKey("harbor_advocates.id"), nullable=False)
    role = Column(String(20), nullable=False)  # primary | backup
    starts_at = Column(DateTime, nullable=False)  # UTC, naive
    ends_at = Column(DateTime, nullable=False)

    advocate = relationship("Advocate")


class Escalation(Base):
    __tablename__ = "harbor_escalations"
    __table_args__ = (
        # One open escalation per conversation (rule: later risk updates it).
        Index("uq_harbor_open_escalation", "conversation_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(40), nullable=False, default="unknown")
    level = Column(String(20), nullable=False)
    categories = Column(String(255), nullable=False, default="")
    status = Column(String(20), nullable=False, default=OPEN)
    ack_code = Column(String(12), nullable=False, unique=True)
    stage = Column(Integer, nullable=False, default=0)  # 0 primary paged, 1 backup, 2 supervisor
    next_action_at = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    updated_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    acknowledged_at = Column(DateTime, nullable=True)
    acknowledged_by = Column(String(120), nullable=True)


class Page(Base):
    """The durable outbox: a page is a row before it is sent."""

    __tablename__ = "harbor_pages"

    id = Column(Integer, primary_key=True)
    escalation_id = Column(Integer, ForeignKey("harbor_escalations.id"), nullable=False, index=True)
    advocate_id = Column(Integer, ForeignKey("harbor_advocates.id"), nullable=True)
    to_number = Column(String(20), nullable=False)
    body = Column(Text, nullable=False)
    idempotency_key = Column(String(120), nullable=False, unique=True)
    status = Column(String(20), nullable=False, default=PENDING, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    lease_until = Column(DateTime, nullable=True)
    provider_sid = Column(String(64), nullable=True)
    last_error = Column(Text, nullable=True)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    sent_at = Column(DateTime, nullable=True)

    escalation = relationship("Escalation")
    advocate = relationship("Advocate")


class AckGuard(Base):
    """Wrong ACK codes by SMS, per advocate (never per raw phone number): five lock ACK by text."""

    __tablename__ = "harbor_ack_guards"

    advocate_id = Column(Integer, ForeignKey("harbor_advocates.id"), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)  # wrong codes since the last right one or lock
    locked_until = Column(DateTime, nullable=True)  # UTC, naive
    updated_at = Column(DateTime, nullable=False, default=datetime.utcnow)


class PageStorm(Base):
    """One row per page-storm alert: while one is younger than the quiet period, no second alert."""

    __tablename__ = "harbor_page_storms"

    id = Column(Integer, primary_key=True)
    started_at = Column(DateTime, nullable=False, index=True)  # when the first page was held
    first_held_escalation_id = Column(Integer, ForeignKey("harbor_escalations.id"), nullable=False)
    last_held_escalation_id = Column(Integer, ForeignKey("harbor_escalations.id"), nullable=False)
    held = Column(Integer, nullable=False, default=1)  # escalations whose pages were held under this alert
    alert_page_id = Column(Integer, ForeignKey("harbor_pages.id"), nullable=True)  # None: no supervisor
