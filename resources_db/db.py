"""The directory lives in Harbor's one database (DATABASE_URL, or the embedded SQLite file)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from harbor.settings import var_dir
from hotline.db import database_url, engine_for, transaction
from resources_db import upgrade
from resources_db.models import Base


@lru_cache(maxsize=8)
def directory_engine(url: str) -> Engine:
    engine = engine_for(url)
    if upgrade.needs_upgrade(engine):
        backup = upgrade.upgrade(engine, var_dir())
        print(f"harbor: the resource directory now has HSDS 3.0 ids; its old rows are kept in {backup}",
              file=sys.stderr)
    Base.metadata.create_all(engine)
    return engine


def directory_sessions(url: str | None = None) -> sessionmaker:
    return sessionmaker(bind=directory_engine(url or database_url()), future=True, expire_on_commit=False)


@contextmanager
def directory_session(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls everything back on any error."""
    with transaction(directory_sessions(url)) as session:
        yield session
