"""The live queue: every escalation not yet closed, most urgent level first, then longest waiting,
with what triage needs and nothing more (no message text, no phone number)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbor.core.risk_levels import CATEGORY_LABELS, rank
from hotline.models import CLOSED, Escalation

# Seconds within which a level should be answered (issue 12; HARBOR_ANSWER_TARGET_* to change).
DEFAULT_TARGETS = {"imminent": 60, "high": 300, "concern": 900}


@dataclass(frozen=True)
class QueueRow:
    id: int
    level: str
    categories: list[str]
    channel: str
    status: str
    held_by: str | None
    waiting_seconds: int
    target_seconds: int

    @property
    def overdue(self) -> bool:
        return self.held_by is None and self.waiting_seconds > self.target_seconds

    def as_dict(self) -> dict:
        return {**asdict(self), "overdue": self.overdue}


def channel_of(conversation_id: str) -> str:
    """sms, web or rest from the pseudonymous id's prefix; never the id itself."""
    prefix = conversation_id.split(":", 1)[0] if ":" in conversation_id else ""
    return {"sms": "SMS", "web": "web chat", "rest": "API"}.get(prefix, "unknown")


def open_queue(session: Session, now: datetime, targets: dict[str, int] | None = None) -> list[QueueRow]:
    targets = targets or DEFAULT_TARGETS
    rows = [
        QueueRow(id=e.id, level=e.level,
                 categories=[CATEGORY_LABELS.get(c, c) for c in e.categories.split(",") if c],
                 channel=channel_of(e.conversation_id), status=e.status, held_by=e.acknowledged_by,
                 waiting_seconds=max(0, int((now - e.created_at).total_seconds())),
                 target_seconds=targets.get(e.level, DEFAULT_TARGETS["high"]))
        for e in session.scalars(select(Escalation).where(Escalation.status != CLOSED))
    ]
    return sorted(rows, key=lambda r: (-rank(r.level), -r.waiting_seconds, r.id))
