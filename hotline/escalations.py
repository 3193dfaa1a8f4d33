"""Escalations: written before the youth is told someone will reach out, one open per conversation.

Opening an escalation also writes the first page to the outbox in the same transaction, so a
crash between the two cannot leave an escalation nobody is paged for.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline.config import HotlineConfig
from hotline.models import (
    ACKNOWLEDGED,
    CANCELLED,
    OPEN,
    PENDING,
    Advocate,
    Escalation,
    Page,
)
from hotline.pages import page_body
from hotline.roster import who_is_on_call

LEVEL_ORDER = {"concern": 1, "high": 2, "imminent": 3}


class EscalationError(ValueError):
    pass


@dataclass
class Opened:
    escalation_id: int
    created: bool
    level: str
    paged: list[str]  # roles paged in this step: primary, backup, supervisor


def _new_code(session: Session) -> str:
    while True:
        code = f"{secrets.randbelow(900000) + 100000}"
        if session.scalar(select(Escalation.id).where(Escalation.ack_code == code)) is None:
            return code


def enqueue_page(session: Session, escalation: Escalation, advocate: Advocate | None, role: str,
                 config: HotlineConfig, now: datetime) -> bool:
    """One outbox row per (escalation, stage, role, advocate); a second call is a no-op."""
    if advocate is None:
        return False
    key = f"esc{escalation.id}-s{escalation.stage}-{role}-a{advocate.id}-{escalation.level}"
    if session.scalar(select(Page.id).where(Page.idempotency_key == key)) is not None:
        return False
    session.add(Page(escalation_id=escalation.id, advocate_id=advocate.id, to_number=advocate.phone,
                     body=page_body(escalation, config.console_url, reference=key),
                     idempotency_key=key, status=PENDING, next_attempt_at=now, created_at=now))
    return True


def open_or_update(session: Session, conversation_id: str, channel: str, level: str,
                   categories: list[str], config: HotlineConfig, now: datetime) -> Opened:
    if level not in ("high", "imminent"):
        raise EscalationError(f"only high or imminent risk escalates, not {level!r}")
    existing = session.scalar(select(Escalation).where(
        Escalation.conversation_id == conversation_id, Escalation.status == OPEN))
    on_call = who_is_on_call(session, now)
    if existing is not None:
        merged = sorted(set(filter(None, existing.categories.split(","))) | set(categories))
        existing.categories = ",".join(merged)
        existing.updated_at = now
        paged: list[str] = []
        if LEVEL_ORDER[level] > LEVEL_ORDER[existing.level]:
            existing.level = level
            if enqueue_page(session, existing, on_call.primary, "primary", config, now):
                paged.append("primary")
        session.flush()
        return Opened(existing.id, False, existing.level, paged)
    escalation = Escalation(conversation_id=conversation_id, channel=channel, level=level,
                            categories=",".join(sorted(categories)), status=OPEN,
                            ack_code=_new_code(session), stage=0, created_at=now, updated_at=now,
                            next_action_at=now + timedelta(seconds=config.ack_timeout_seconds))
    session.add(escalation)
    try:
        session.flush()
    except IntegrityError:
        # Another process opened one for this conversation a moment ago: update that one.
        session.rollback()
        return open_or_update(session, conversation_id, channel, level, categories, config, now)
    paged = ["primary"] if enqueue_page(session, escalation, on_call.primary, "primary", config, now) else []
    if not paged:
        # Nobody on shift: go straight to the backup and the supervisor rather than wait.
        for role, person in (("backup", on_call.backup), ("supervisor", on_call.supervisor)):
            if enqueue_page(session, escalation, person, role, config, now):
                paged.append(role)
    session.flush()
    return Opened(escalation.id, True, level, paged)


def acknowledge(session: Session, reference: str, by: str, now: datetime) -> Escalation:
    """Acknowledge by escalation id or ACK code; pending pages for it are cancelled."""
    reference = reference.strip().upper().removeprefix("ESC-")
    escalation = session.scalar(select(Escalation).where(Escalation.ack_code == reference))
    if escalation is None and reference.isdigit():
        escalation = session.get(Escalation, int(reference))
    if escalation is None:
        raise EscalationError(f"no escalation with id or code {reference!r}")
    if escalation.status != OPEN:
        return escalation
    escalation.status = ACKNOWLEDGED
    escalation.acknowledged_at = now
    escalation.acknowledged_by = by
    escalation.next_action_at = None
    escalation.updated_at = now
    session.execute(update(Page).where(Page.escalation_id == escalation.id, Page.status == PENDING)
                    .values(status=CANCELLED))
    session.flush()
    return escalation


def list_escalations(session: Session, status: str | None = None) -> list[Escalation]:
    query = select(Escalation).order_by(Escalation.created_at.desc(), Escalation.id.desc())
    if status:
        query = query.where(Escalation.status == status)
    return list(session.scalars(query))


def as_dict(escalation: Escalation) -> dict:
    return {
        "id": escalation.id, "conversation_id": escalation.conversation_id,
        "channel": escalation.channel, "level": escalation.level,
        "categories": [c for c in escalation.categories.split(",") if c],
        "status": escalation.status, "stage": escalation.stage,
        "created_at": escalation.created_at.isoformat() + "Z",
        "acknowledged_at": (escalation.acknowledged_at.isoformat() + "Z"
                            if escalation.acknowledged_at else None),
        "acknowledged_by": escalation.acknowledged_by,
    }
