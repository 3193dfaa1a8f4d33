"""Shared setup for hotline tests: a fresh SQLite database with a small roster."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from hotline import roster
from hotline.config import HotlineConfig
from hotline.db import engine_for, session_factory
from hotline.models import Base

PRIMARY_PHONE = "+14155550101"
BACKUP_PHONE = "+14155550102"
SUPERVISOR_PHONE = "+14155550100"
YOUTH_NUMBER = "+15105550199"


def config(**overrides: float) -> HotlineConfig:
    values = dict(console_url="http://console.test", ack_timeout_seconds=180.0,
                  supervisor_timeout_seconds=600.0, poll_seconds=0.05, max_send_attempts=4,
                  lease_seconds=30.0)
    values.update(overrides)
    return HotlineConfig(**values)


POSTGRES_URL = os.environ.get("HARBOR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_available() -> bool:
    try:
        with create_engine(POSTGRES_URL, future=True).connect():
            return True
    except Exception:
        return False


def fresh_postgres() -> str:
    """The test PostgreSQL database with Harbor's tables dropped and made again."""
    engine = engine_for(POSTGRES_URL)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    return POSTGRES_URL


def database(tmp_path: Path, with_roster: bool = True, now: datetime | None = None,
             url: str | None = None) -> sessionmaker:
    sessions = session_factory(url or f"sqlite:///{tmp_path / 'hotline.db'}")
    if with_roster:
        now = now or datetime.utcnow()
        with sessions() as session:
            roster.add_advocate(session, "Dana Supervisor", SUPERVISOR_PHONE, role="supervisor")
            roster.add_advocate(session, "Sam Primary", PRIMARY_PHONE, supervisor="Dana Supervisor")
            roster.add_advocate(session, "Alex Backup", BACKUP_PHONE, supervisor="Dana Supervisor")
            roster.set_shift(session, "Sam Primary", "primary", now - timedelta(hours=1), now + timedelta(hours=8))
            roster.set_shift(session, "Alex Backup", "backup", now - timedelta(hours=1), now + timedelta(hours=8))
            session.commit()
    return sessions
