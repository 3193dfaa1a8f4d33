"""A directory database with the seed programs loaded, on SQLite (and PostgreSQL when it runs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from harbor.core.db import Base, engine_for, session_factory
from resources_db.models import TABLES
from resources_db.seed import load_seed
from tests.hotline.support import POSTGRES_URL, postgres_available


def seeded_url(url: str) -> str:
    # Reset on the plain engine, children first: a shared test database that another checkout
    # left in the pre-UUID layout must neither set off the upgrade (and its backup in var/) nor
    # trip over that layout's foreign keys.
    engine = engine_for(url)
    for model in reversed(TABLES.values()):
        model.__table__.drop(engine, checkfirst=True)
    Base.metadata.create_all(engine)
    with session_factory(url)() as session:
        load_seed(session)
        session.commit()
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return seeded_url(f"sqlite:///{tmp_path / 'directory.db'}")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        if not postgres_available():
            pytest.skip("PostgreSQL is not running")
        return seeded_url(POSTGRES_URL)
    return seeded_url(f"sqlite:///{tmp_path / 'directory.db'}")


@pytest.fixture
def session(sqlite_url: str) -> Iterator[Session]:
    with session_factory(sqlite_url)() as session:
        yield session
