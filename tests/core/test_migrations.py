"""The migrations make exactly the tables the models declare, on SQLite and PostgreSQL; an old database
made by create_all is adopted only when it matches; one migrator at a time."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import Column, MetaData, String, create_engine, inspect, text

from harbor.cli.schema_models import harbor_metadata
from harbor.core import schema
from harbor.core.db import engine_for
from harbor.core.settings import PROJECT_ROOT

PACKAGES = ("harbor", "hotline", "channels", "resources_db", "bot")


def test_the_newest_revision_is_exactly_what_the_models_declare(scratch_db_url: str):
    with engine_for(scratch_db_url).connect() as connection:
        assert schema.current(connection) == schema.head()
        drift = schema.differences(connection, harbor_metadata())
    assert drift == [], ("a model changed without a migration: run `harbor db revision -m '...'` and read what "
                         "it wrote; differences: " + "; ".join(schema.describe(d) for d in drift))


def test_the_drift_check_sees_a_column_no_migration_adds(tmp_path: Path):
    models = MetaData()
    for table in harbor_metadata().tables.values():
        table.to_metadata(models)
    models.tables["harbor_escalations"].append_column(Column("mood", String(20)))
    with engine_for(f"sqlite:///{tmp_path / 'h.db'}").connect() as connection:
        found = [schema.describe(d) for d in schema.differences(connection, models)]
    assert found == ["column harbor_escalations.mood is missing"]


def test_every_table_declared_in_the_code_is_in_the_models_the_migrations_are_checked_against():
    declared = set()
    for package in PACKAGES:
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            declared |= set(re.findall(r"__tablename__\s*=\s*['\"](\w+)['\"]", path.read_text(encoding="utf-8")))
    assert declared == set(harbor_metadata().tables), "add the module to harbor/cli/schema_models.py"


def test_tables_of_others_are_not_harbor_s_but_a_stray_harbor_table_is(tmp_path: Path):
    engine = engine_for(f"sqlite:///{tmp_path / 'h.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255))"))
        assert schema.differences(connection, harbor_metadata()) == []
        connection.execute(text("CREATE TABLE harbor_forgotten (id INTEGER PRIMARY KEY)"))
        found = [schema.describe(d) for d in schema.differences(connection, harbor_metadata())]
    assert found == ["table harbor_forgotten is not expected"]


def created_all(url: str, leave_out: tuple[str, ...] = ()) -> None:
    """A database as Harbor made it before migrations (create_all, no alembic_version), with Rasa's table."""
    engine = create_engine(url, future=True)
    metadata = harbor_metadata()
    metadata.create_all(engine, tables=[t for name, t in metadata.tables.items() if name not in leave_out])
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255))"))
        connection.execute(text("INSERT INTO events (id, sender_id) VALUES (1, 'web:abc')"))
        connection.execute(text("INSERT INTO harbor_outreach_links (id, ref, worker, campaign, created_at) "
                                "VALUES (7, 'r1', 'Ana', 'school fair', '2026-01-02 03:04:05')"))
    engine.dispose()


def test_a_database_from_before_migrations_is_adopted_with_its_rows(scratch_db_url: str):
    created_all(scratch_db_url, leave_out=("harbor_heartbeats", "harbor_page_exits"))
    upgraded = schema.upgrade(create_engine(scratch_db_url, future=True))
    assert upgraded.adopted and upgraded.before is None and upgraded.after == schema.head()
    assert upgraded.created == ("harbor_heartbeats", "harbor_page_exits")
    with engine_for(scratch_db_url).connect() as connection:
        assert schema.differences(connection, harbor_metadata()) == []
        assert connection.execute(text("SELECT ref FROM harbor_outreach_links WHERE id = 7")).scalar() == "r1"
        assert connection.execute(text("SELECT sender_id FROM events")).scalar() == "web:abc"


def test_an_old_database_that_differs_is_refused_and_left_as_it_was(scratch_db_url: str):
    created_all(scratch_db_url)
    engine = create_engine(scratch_db_url, future=True)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_harbor_pages_status"))
        connection.execute(text("ALTER TABLE harbor_page_exits DROP COLUMN at"))
    with pytest.raises(schema.SchemaMismatch) as refused:
        schema.upgrade(engine)
    assert "index ix_harbor_pages_status on harbor_pages is missing" in str(refused.value)
    assert "column harbor_page_exits.at is missing" in str(refused.value)
    tables = set(inspect(engine).get_table_names())
    assert "alembic_version" not in tables and "harbor_heartbeats" in tables
    engine.dispose()


def test_migrators_starting_together_take_turns(scratch_db_url: str):
    engines = [create_engine(scratch_db_url, future=True, connect_args={"timeout": 30} if "sqlite" in scratch_db_url
                             else {}) for _ in range(3)]
    start = threading.Barrier(len(engines))
    results, errors = [], []

    def migrate(engine) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        try:
            results.append(schema.upgrade(engine))
        except Exception as error:  # the assertion below shows it
            errors.append(error)

    threads = [threading.Thread(target=migrate, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(len(result.applied) for result in results) == [0, 0, len(list(schema.scripts().walk_revisions()))]
    for engine in engines:
        engine.dispose()
