"""A PostgreSQL database made for one test and dropped after it, on the server the tests may use."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from harbor.core.db import reachable
from harbor.core.settings import test_postgres_url


@contextmanager
def scratch_postgres() -> Iterator[str]:
    server = test_postgres_url()
    if not reachable(server):
        pytest.skip(f"PostgreSQL not reachable at {server} (CI starts it; see .ci/run)")
    name = f"harbor_scratch_{uuid.uuid4().hex[:12]}"
    # CREATE/DROP DATABASE cannot run inside a transaction.
    admin = create_engine(server, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # FORCE: the engines Harbor cached for this URL still hold pooled connections.
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
