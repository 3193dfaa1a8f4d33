"""The one database module: every table exists on first use, whichever modules a process imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from harbor.core.db import bare_engine, create_schema, engine_for
from harbor.core.settings import BadSetting, db_pool_max_overflow, db_pool_size

ONLY_THE_CORE = """
import sys
from sqlalchemy import inspect
from harbor.core.db import session_scope
with session_scope(sys.argv[1]) as session:
    print(" ".join(sorted(inspect(session.connection()).get_table_names())))
print(" ".join(sorted(m for m in ("hotline", "channels", "resources_db") if m in sys.modules)))
"""


def test_a_process_that_imports_only_the_core_still_gets_every_table(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'harbor.db'}"
    done = subprocess.run([sys.executable, "-c", ONLY_THE_CORE, url], capture_output=True, text=True, check=True)
    tables, imported = done.stdout.splitlines()
    assert imported == ""  # no model module was imported ...
    assert {"harbor_escalations", "harbor_heartbeats", "harbor_sms_inbox", "service", "alembic_version"} <= set(
        tables.split())  # ... and their tables are there all the same


def test_one_registry_holds_every_package_s_tables(tmp_path: Path):
    from channels.erasure import EraseRequest
    from channels.outreach import OutreachLink
    from channels.sms_store import InboxMessage
    from hotline.models import Escalation
    from resources_db.models import Service

    engine = engine_for(f"sqlite:///{tmp_path / 'harbor.db'}")
    tables = set(inspect(engine).get_table_names())
    assert {m.__tablename__ for m in (EraseRequest, OutreachLink, InboxMessage, Escalation, Service)} <= tables


def test_create_schema_makes_the_tables_again_after_a_test_dropped_them(tmp_path: Path):
    from harbor.cli.schema_models import harbor_metadata

    engine = engine_for(f"sqlite:///{tmp_path / 'harbor.db'}")
    everything = harbor_metadata()
    everything.drop_all(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")
    assert engine_for(f"sqlite:///{tmp_path / 'harbor.db'}") is engine  # the same engine: no second upgrade
    create_schema(engine)
    assert set(everything.tables) <= set(inspect(engine).get_table_names())


def test_postgresql_pools_are_bounded_by_the_settings(monkeypatch: pytest.MonkeyPatch):
    # bare_engine connects to nothing: the port is closed on purpose.
    engine = bare_engine("postgresql://harbor@127.0.0.1:9/pool_defaults")
    assert (engine.pool.size(), engine.pool._max_overflow) == (3, 2)
    monkeypatch.setenv("HARBOR_DB_POOL_SIZE", "7")
    monkeypatch.setenv("HARBOR_DB_MAX_OVERFLOW", "0")
    engine = bare_engine("postgresql://harbor@127.0.0.1:9/pool_from_settings")
    assert (engine.pool.size(), engine.pool._max_overflow) == (7, 0)


@pytest.mark.parametrize(("name", "value", "reason"), [
    ("HARBOR_DB_POOL_SIZE", "0", "HARBOR_DB_POOL_SIZE must be at least 1, not 0"),
    ("HARBOR_DB_MAX_OVERFLOW", "-1", "HARBOR_DB_MAX_OVERFLOW must be at least 0, not -1"),
    ("HARBOR_DB_POOL_SIZE", "many", "HARBOR_DB_POOL_SIZE must be a whole number of connections, not 'many'"),
])
def test_a_pool_setting_that_cannot_work_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, name: str, value: str,
                                                           reason: str):
    monkeypatch.setenv(name, value)
    with pytest.raises(BadSetting, match=reason):
        db_pool_size() if name == "HARBOR_DB_POOL_SIZE" else db_pool_max_overflow()


def test_rasa_s_tracker_store_gets_the_same_bound_instead_of_150_connections(monkeypatch: pytest.MonkeyPatch):
    from rasa.core.tracker_store import create_engine_kwargs

    from harbor.cli.rasa_server import bound_tracker_store_pool

    for name in ("SQL_POOL_SIZE", "SQL_MAX_OVERFLOW"):  # set, then removed: monkeypatch restores what was there
        monkeypatch.setenv(name, "0")
        monkeypatch.delenv(name)
    url = "postgresql://harbor@db.example/harbor"
    assert (create_engine_kwargs(url)["pool_size"], create_engine_kwargs(url)["max_overflow"]) == (50, 100)
    monkeypatch.setenv("HARBOR_DB_MAX_OVERFLOW", "1")
    bound_tracker_store_pool()
    assert (create_engine_kwargs(url)["pool_size"], create_engine_kwargs(url)["max_overflow"]) == (3, 1)
