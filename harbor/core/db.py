"""Harbor's one database: DATABASE_URL, or the embedded SQLite file under var/.

Every table (the directory, escalations and the roster, the SMS inbox and opt-outs, erase requests,
outreach links) is declared on the one registry `Base`, by the package that owns it. Tables are
created on first use: `session_factory` runs `create_schema` again whenever a module has declared a
table since, so whether a table exists never depends on which module a process imported first, and
this module imports nothing else of Harbor.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from harbor.core.settings import database_url

Base = declarative_base()

_LOCK = threading.Lock()
# engine URL -> how many tables the registry held when create_schema last ran on it
_TABLES_CREATED: dict[str, int] = {}


def create_schema(engine: Engine) -> None:
    """The explicit create entry point: every table declared so far, created where missing."""
    with _LOCK:
        _create_schema(engine)


def _create_schema(engine: Engine) -> None:
    known = len(Base.metadata.tables)
    Base.metadata.create_all(engine)
    _TABLES_CREATED[str(engine.url)] = known


def engine_for(url: str) -> Engine:
    """One engine per URL with every table declared so far, also when threads ask at the same moment."""
    with _LOCK:
        engine = _engine_for(url)
        if _TABLES_CREATED.get(str(engine.url)) != len(Base.metadata.tables):
            _create_schema(engine)
        return engine


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: a failed statement's values (message text) never reach a log line.
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
    return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)


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
