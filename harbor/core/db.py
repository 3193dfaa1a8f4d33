"""Harbor's one database: DATABASE_URL, or the embedded SQLite file under var/.

Every table (the directory, escalations and the roster, the SMS inbox and opt-outs, erase requests,
outreach links) is declared on the one registry `Base`, by the package that owns it, and created by a
migration (harbor/core/migrations/). `engine_for` brings a database to the newest revision the first
time a process asks for it (harbor/core/schema.py), so every table exists whichever modules a
process imported, on SQLite and PostgreSQL alike, and this module imports nothing else of Harbor.
A new table or column therefore needs a revision (`harbor db revision -m ...`); a test fails without.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from harbor.core import schema
from harbor.core.settings import database_url, db_pool_max_overflow, db_pool_size

Base = declarative_base()
# What a database that cannot be reached raises (refused, dropped, or every pooled connection busy):
# a channel answers 503 for it, so the sender retries.
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)

_LOCK = threading.Lock()
# URLs this process has brought to the newest revision: one upgrade per URL, then plain engines.
_UPGRADED: set[str] = set()


def create_schema(engine: Engine) -> None:
    """Bring the database to the newest revision now, also when this process did so before (a test that
    dropped every table, say)."""
    with _LOCK:
        _upgrade(engine)


def _upgrade(engine: Engine) -> None:
    schema.upgrade(engine)
    _UPGRADED.add(str(engine.url))


def engine_for(url: str) -> Engine:
    """One engine per URL on a database at the newest revision, also when threads ask at the same moment."""
    with _LOCK:
        engine = _engine_for(url)
        if str(engine.url) not in _UPGRADED:
            _upgrade(engine)
        return engine


def bare_engine(url: str) -> Engine:
    """The same engine without the upgrade: for what must look at a database before it is migrated
    (`harbor db current`, the move of a directory from before HSDS ids)."""
    return _engine_for(url)


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: a failed statement's values (message text) never reach a log line.
        # SQLAlchemy 1.4's NullPool for a file, on purpose: when the last connection closes, SQLite folds the
        # write-ahead log into the (secure_delete) file and removes it, so cleared message text does not
        # linger in a -wal file. A pool kept connections open and the log on disk (tried 2026-12-07; it
        # was about a tenth of the Rasa server's CPU under load).
        engine = create_engine(url, future=True, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
            # WAL lets the pager read while the action server writes; foreign keys on.
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # Erased conversations (DELETE, retention) are overwritten on disk, not just unlinked.
            cursor.execute("PRAGMA secure_delete=ON")
            # Directory searches read indexes all over the file: map it, keep more pages warm.
            cursor.execute("PRAGMA mmap_size=268435456")
            cursor.execute("PRAGMA cache_size=-32000")
            cursor.close()
        return engine
    # Bounded pools: every process of every replica holds one; the sum must stay under PostgreSQL's
    # max_connections (settings.db_pool_size says how the defaults add up).
    return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True,
                         pool_size=db_pool_size(), max_overflow=db_pool_max_overflow())


def reachable(url: str) -> bool:
    """Whether a database answers at `url` (for tests and benches that skip where none runs)."""
    try:
        with create_engine(url, future=True).connect():
            return True
    except Exception:
        return False


def session_factory(url: str | None = None) -> sessionmaker:
    return sessionmaker(bind=engine_for(url or database_url()), future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    with transaction(session_factory(url)) as session:
        yield session


@contextmanager
def transaction(sessions: sessionmaker) -> Iterator[Session]:
    """A session that commits on success and rolls everything back on any error."""
    session = sessions()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
