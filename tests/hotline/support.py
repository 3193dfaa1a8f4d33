"""Shared setup for hotline tests: a fresh SQLite (or PostgreSQL) database with a small roster,
an injectable clock, and a page sender that records what would reach each phone."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData
from sqlalchemy.orm import sessionmaker

from harbor.core.db import create_schema, engine_for, reachable, session_factory
from harbor.core.settings import HotlineConfig, test_postgres_url
from hotline import roster

PRIMARY_PHONE = "+14155550101"
BACKUP_PHONE = "+14155550102"
SUPERVISOR_PHONE = "+14155550100"
YOUTH_NUMBER = "+15105550199"
# On the roster, never on shift and nobody's supervisor: never paged.
BYSTANDER_PHONE = "+14155550109"


def config(**overrides: float) -> HotlineConfig:
    values = dict(console_url="http://console.test", ack_timeout_seconds=180.0,
                  supervisor_timeout_seconds=600.0, poll_seconds=0.05, max_send_attempts=4,
                  lease_seconds=30.0, page_storm_per_minute=20)
    values.update(overrides)
    return HotlineConfig(**values)


POSTGRES_URL = test_postgres_url()


def postgres_available() -> bool:
    return reachable(POSTGRES_URL)


def database_url_for(kind: str) -> str | None:
    """For a `db_url` fixture parametrised over ["sqlite", "postgresql"]: None means the SQLite file
    `database()` makes; PostgreSQL is emptied first, or the test is skipped with the reason."""
    if kind == "sqlite":
        return None
    if not postgres_available():
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} (CI starts it; see .ci/run)")
    return fresh_postgres()


def fresh_postgres() -> str:
    """The test PostgreSQL database emptied and Harbor's tables made again. Every table it holds is
    dropped, also those another checkout or version declared (found by reflection, with their
    foreign keys, so they go in a working order)."""
    engine = engine_for(POSTGRES_URL)
    present = MetaData()
    present.reflect(engine)
    present.drop_all(engine)
    create_schema(engine)
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
            roster.add_advocate(session, "Riley Bystander", BYSTANDER_PHONE)
            roster.set_shift(session, "Sam Primary", "primary", now - timedelta(hours=1), now + timedelta(hours=8))
            roster.set_shift(session, "Alex Backup", "backup", now - timedelta(hours=1), now + timedelta(hours=8))
            session.commit()
    return sessions


def sqlite_url(tmp_path: Path) -> str:
    """The URL of the SQLite file `database(tmp_path)` makes."""
    return f"sqlite:///{tmp_path / 'hotline.db'}"


class Clock:
    """An injected clock (UTC, naive) that moves only when a test says so."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class RecordingSender:
    """A PageSender that keeps what each phone would have received, in order."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    async def send_sms(self, to: str, body: str) -> str:
        self.messages.append((to, body))
        return f"SM{len(self.messages):032d}"

    async def find_sent(self, to: str, marker: str, since: datetime) -> str | None:
        return next((f"SM{n:032d}" for n, (number, body) in enumerate(self.messages, 1)
                     if number == to and marker in body), None)

    def to(self, number: str) -> list[str]:
        return [body for phone, body in self.messages if phone == number]
