"""The audit log: every sign-in, transcript view and action, with who and when. Append-only: this
module writes and reads it and offers nothing that edits or deletes. Never message text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Integer, String, select
from sqlalchemy.orm import Session

from harbor.core.db import Base


class AuditEntry(Base):
    __tablename__ = "harbor_audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=datetime.utcnow, index=True)
    actor = Column(String(80), nullable=False)
    action = Column(String(40), nullable=False)
    target = Column(String(80), nullable=False, default="")
    detail = Column(String(200), nullable=False, default="")


def record(session: Session, actor: str, action: str, target: str = "", detail: str = "",
           now: datetime | None = None) -> None:
    session.add(AuditEntry(at=now or datetime.utcnow(), actor=actor, action=action, target=target,
                           detail=detail[:200]))


def recent(session: Session, limit: int = 500) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
