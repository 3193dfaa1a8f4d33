"""What advocates do to an escalation in the console: claim it (the acknowledgement that stops
re-paging) and close it with a disposition and a note. Every step is written to the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text, func, or_, select, update
from sqlalchemy.orm import Session

from harbor.core.db import Base
from harbor.core.risk_levels import ESCALATING_LEVELS
from hotline.console import audit
from hotline.escalations import escalation_by_id, mark_acknowledged
from hotline.models import CLOSED, OPEN, Escalation

# The closing dispositions (issue 12); the two "reported" ones are the mandated-report flags.
DISPOSITIONS = {
    "referred": "Referred to a resource",
    "safety_plan": "Safety plan made",
    "reported_cps": "Reported to child protective services",
    "reported_police": "Reported to law enforcement",
    "cse_confirmed": "Commercial sexual exploitation confirmed",
    "cse_suspected": "Commercial sexual exploitation suspected",
    "no_response": "No response",
    "not_a_risk": "Not a risk",
}
MAX_NOTE_CHARS = 2000


class Closure(Base):
    """How an escalation ended. A row of its own, so closing needs no new column on escalations."""

    __tablename__ = "harbor_escalation_closures"

    escalation_id = Column(Integer, ForeignKey("harbor_escalations.id"), primary_key=True)
    disposition = Column(String(40), nullable=False)
    note = Column(Text, nullable=False, default="")
    closed_by = Column(String(80), nullable=False)
    closed_at = Column(DateTime, nullable=False)
    # The program the youth was referred to, when the advocate named one from the directory.
    resource_id = Column(String(36), nullable=True)
    resource_name = Column(String(300), nullable=True)


class CaseworkError(ValueError):
    """Something the console cannot do to this escalation; the message says why."""



def urgent_held_by(session: Session, username: str) -> int:
    """How many high or imminent escalations, not closed, this person holds."""
    return session.scalar(select(func.count()).select_from(Escalation).where(
        Escalation.acknowledged_by == username, Escalation.status != CLOSED,
        Escalation.level.in_(ESCALATING_LEVELS))) or 0


def claim(session: Session, escalation_id: int, username: str, now: datetime, cap: int | None = None) -> Escalation:
    """Acknowledge as `username`: pending pages are cancelled and nobody else is paged about it.
    `cap`: at most this many high or imminent escalations held at once (an advocate's limit)."""
    escalation = escalation_by_id(session, escalation_id)
    if escalation.status == CLOSED:
        raise CaseworkError(f"ESC-{escalation_id} is closed")
    if escalation.acknowledged_by and escalation.acknowledged_by != username:
        raise CaseworkError(f"ESC-{escalation_id} is held by {escalation.acknowledged_by}")
    if (cap is not None and escalation.acknowledged_by != username and escalation.level in ESCALATING_LEVELS
            and urgent_held_by(session, username) >= cap):
        raise CaseworkError(f"you already hold {cap} high or imminent conversations; close or hand one on first, "
                            "or ask a supervisor")
    # One conditional write decides between two advocates claiming at the same moment.
    won = session.execute(update(Escalation).where(
        Escalation.id == escalation_id, Escalation.status != CLOSED,
        or_(Escalation.acknowledged_by.is_(None), Escalation.acknowledged_by == username))
        .values(acknowledged_by=username, updated_at=now).execution_options(synchronize_session="fetch"))
    if won.rowcount != 1:
        session.refresh(escalation)
        raise CaseworkError(f"ESC-{escalation_id} was just claimed by {escalation.acknowledged_by}")
    if escalation.status == OPEN:
        mark_acknowledged(session, escalation, username, now)  # with the time, and the pages cancelled
    audit.record(session, username, "claim", f"ESC-{escalation_id}", now=now)
    return escalation


def close(session: Session, escalation_id: int, username: str, disposition: str, note: str,
          now: datetime, resource: tuple[str, str] | None = None, supervisor: bool = False) -> Closure:
    """Close it. Only whoever holds it may (or anyone, while nobody does); a supervisor always may."""
    if disposition not in DISPOSITIONS:
        raise CaseworkError("choose how it ended (a disposition)")
    escalation = escalation_by_id(session, escalation_id)
    if escalation.status == CLOSED:
        raise CaseworkError(f"ESC-{escalation_id} is closed already")
    if escalation.acknowledged_by not in (None, username) and not supervisor:
        raise CaseworkError(f"{escalation.acknowledged_by} holds ESC-{escalation_id}; only they or a supervisor "
                            "can close it")
    mark_acknowledged(session, escalation, username, now)  # closing also stops every page
    escalation.status = CLOSED
    escalation.updated_at = now
    closure = Closure(escalation_id=escalation_id, disposition=disposition, note=(note or "")[:MAX_NOTE_CHARS],
                      closed_by=username, closed_at=now, resource_id=resource[0] if resource else None,
                      resource_name=resource[1] if resource else None)
    session.add(closure)
    audit.record(session, username, "close", f"ESC-{escalation_id}", detail=disposition, now=now)
    session.flush()
    return closure


def forget_notes(session: Session, escalation_ids: list[int]) -> None:
    """Erasure: what advocates wrote about the youth goes; the closing disposition and times stay."""
    if escalation_ids:
        session.execute(update(Closure).where(Closure.escalation_id.in_(escalation_ids))
                        .values(note="", resource_id=None, resource_name=None))
