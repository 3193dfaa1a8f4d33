"""The hotline's database connection: DATABASE_URL, or the embedded SQLite file."""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from harbor.settings import default_database_url
from hotline.models import Base


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or default_database_url()


_ENGINE_LOCK = threading.Lock()
# Every module that declares tables on Base. All are imported before create_all, so whether a table
# exists never depends on which module a process happened to import first.
MODEL_MODULES = ("hotline.models", "channels.sms_store", "channels.erasure", "harbor.outreach")


def engine_for(url: str) -> Engine:
    """One engine per URL, its tables created once, also when threads ask at the same moment."""
    with _ENGINE_LOCK:
        return _engine_for(url)


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    for module in MODEL_MODULES:
        importlib.import_module(module)
    if url.startswith("sqlite:///"):
        from pathlib import Path

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
    else:
        engine = create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)
    Base.metadata.create_all(engine)
    return engine


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
