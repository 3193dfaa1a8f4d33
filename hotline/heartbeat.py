"""The pager's heartbeat: a row it rewrites after every good pass, so any process can tell whether
pages are going out. Table `harbor_heartbeats` (one row per worker kind, not per process: with
several pager replicas, a fresh row means at least one of them is working).

A heartbeat is written at most every BEAT_EVERY_SECONDS (the pager polls five times a second; the
database need not hear about each pass) and is stale after STALE_AFTER_BEATS of its own intervals,
an interval stored in the row, so a reader needs no pager configuration to judge it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Float, String, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from harbor.core.db import Base, session_scope
from harbor.core.health import Check, NotReady

PAGER = "pager"
BEAT_EVERY_SECONDS = 5.0
STALE_AFTER_BEATS = 3


class Heartbeat(Base):
    __tablename__ = "harbor_heartbeats"

    name = Column(String(40), primary_key=True)
    beat_at = Column(DateTime, nullable=False)  # UTC, naive
    interval_seconds = Column(Float, nullable=False)


def beat(session: Session, name: str, now: datetime, interval_seconds: float) -> None:
    """Record that `name` completed a pass at `now`, and commit (give it a session of its own)."""
    values = {"beat_at": now, "interval_seconds": interval_seconds}
    if not session.execute(update(Heartbeat).where(Heartbeat.name == name).values(**values)).rowcount:
        session.add(Heartbeat(name=name, **values))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # another replica wrote the first row a moment ago: its beat counts as well


def freshness(session: Session, name: str, now: datetime) -> dict[str, float]:
    """The heartbeat's age and how old it may get; NotReady when there is none or it is stale."""
    row = session.get(Heartbeat, name)
    if row is None:
        raise NotReady(f"no {name} heartbeat yet: is the {name} running?")
    age = max(0.0, (now - row.beat_at).total_seconds())
    stale_after = STALE_AFTER_BEATS * row.interval_seconds
    facts = {"age_seconds": round(age, 1), "stale_after_seconds": stale_after}
    if age > stale_after:
        raise NotReady(f"last {name} heartbeat {age:.0f} s ago (stale after {stale_after:g} s)", **facts)
    return facts


def pager_check(url: str | None = None, required: bool = True) -> Check:
    """Readiness: the pager wrote its heartbeat recently (in the database at `url`, default DATABASE_URL)."""
    def run() -> dict[str, float]:
        with session_scope(url) as session:
            return freshness(session, PAGER, datetime.utcnow())
    return Check(PAGER, run, required=required, key=f"{PAGER} {url}")
