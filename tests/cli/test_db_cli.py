"""`harbor db upgrade|current|revision`, run as an operator runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, String, create_engine, inspect, text

from harbor.cli.schema_models import harbor_metadata
from harbor.core import schema
from harbor.core.settings import venv_executable

HARBOR = venv_executable("harbor")


def harbor(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HARBOR_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": url}
    return subprocess.run([HARBOR, "db", *args], env=env, capture_output=True, text=True, timeout=120)


def tables(url: str) -> set[str]:
    engine = create_engine(url, future=True)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_creates_every_table_says_the_revision_and_a_second_run_changes_nothing(tmp_path: Path,
                                                                                         scratch_db_url: str):
    before = harbor(tmp_path, scratch_db_url, "current")
    assert before.returncode == 0 and "no revision yet" in before.stdout
    assert tables(scratch_db_url) == set()  # `current` only reads

    first = harbor(tmp_path, scratch_db_url, "upgrade")
    assert first.returncode == 0, first.stderr
    assert f"applied {schema.BASELINE}" in first.stdout
    assert first.stdout.strip().endswith(f"at revision {schema.head()} (newest)")
    assert tables(scratch_db_url) == set(harbor_metadata().tables) | {"alembic_version"}

    again = harbor(tmp_path, scratch_db_url, "upgrade", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) | {"database": None} == {
        "database": None, "before": schema.head(), "revision": schema.head(), "applied": [], "adopted": False,
        "created": [], "directory_backup": None}
    now = json.loads(harbor(tmp_path, scratch_db_url, "current", "--json").stdout)
    assert (now["revision"], now["head"]) == (schema.head(), schema.head())


def test_a_database_harbor_made_before_migrations_is_adopted_and_keeps_its_rows(tmp_path: Path, scratch_db_url: str):
    engine = create_engine(scratch_db_url, future=True)
    metadata = harbor_metadata()
    metadata.create_all(engine, tables=[t for name, t in metadata.tables.items() if name != "harbor_heartbeats"])
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255))"))
        connection.execute(text("INSERT INTO harbor_console_users (id, username, role, password_hash, disabled, "
                                "created_at, password_changed_at) VALUES (1, 'dana', 'admin', 'x', false, "
                                "'2026-01-01', '2026-01-01')"))
    engine.dispose()

    adopted = harbor(tmp_path, scratch_db_url, "upgrade")
    assert adopted.returncode == 0, adopted.stderr
    assert ("adopted a database made before migrations: it matches the baseline; created the tables it lacked: "
            "harbor_heartbeats") in adopted.stdout
    assert tables(scratch_db_url) == set(metadata.tables) | {"alembic_version", "events"}
    engine = create_engine(scratch_db_url, future=True)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT username FROM harbor_console_users")).scalars().all() == ["dana"]
        assert schema.current(connection) == schema.head()
    engine.dispose()


def test_an_old_database_that_differs_is_refused_with_the_reason_and_not_touched(tmp_path: Path,
                                                                                  scratch_db_url: str):
    engine = create_engine(scratch_db_url, future=True)
    harbor_metadata().create_all(engine)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE harbor_sms_opt_outs DROP COLUMN updated_at"))
    engine.dispose()
    refused = harbor(tmp_path, scratch_db_url, "upgrade")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "column harbor_sms_opt_outs.updated_at is missing" in refused.stderr
    assert "alembic_version" not in tables(scratch_db_url)


def test_harbor_up_upgrades_the_database_before_it_starts_anything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from harbor.cli.up import UpgradeFailed, upgrade_database

    monkeypatch.setenv("HARBOR_VAR_DIR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'h.db'}"
    assert upgrade_database(url) == f"database schema: at revision {schema.head()} (applied {schema.BASELINE})"
    assert upgrade_database(url) == f"database schema: at revision {schema.head()} (no change)"
    broken = f"sqlite:///{tmp_path / 'broken.db'}"
    harbor_metadata().tables["harbor_page_exits"].create(create_engine(broken, future=True))
    with create_engine(broken, future=True).begin() as connection:
        connection.execute(text("ALTER TABLE harbor_page_exits DROP COLUMN at"))
    with pytest.raises(UpgradeFailed) as failed:
        upgrade_database(broken)
    assert failed.value.exit_code == 2 and "column harbor_page_exits.at is missing" in str(failed.value)


def test_revision_writes_a_migration_for_a_new_model_that_then_leaves_nothing_to_migrate(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    from harbor.cli.main import main
    from harbor.core.db import Base

    migrations = tmp_path / "migrations"  # a copy: the real versions/ stays as it is
    shutil.copytree(schema.MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", migrations)
    schema.scripts.cache_clear()

    class Note(Base):  # as a new module would declare one
        __tablename__ = "harbor_test_notes"
        id = Column(Integer, primary_key=True)
        text = Column(String(200), nullable=False, index=True)

    try:
        assert main(["db", "revision", "-m", "Add test notes!"]) == 0
        written = Path(capsys.readouterr().out.strip())
        assert written == migrations / "versions" / "0002_add_test_notes.py"
        source = written.read_text()
        assert "op.create_table('harbor_test_notes'" in source and "down_revision = '0001_baseline'" in source
        schema.scripts.cache_clear()
        engine = create_engine(f"sqlite:///{tmp_path / 'h.db'}", future=True)
        assert schema.upgrade(engine).applied == (schema.BASELINE, "0002_add_test_notes")
        with engine.connect() as connection:
            assert schema.differences(connection, Base.metadata) == []
        assert main(["db", "revision", "-m", "again"]) == 0
        assert "nothing to write" in capsys.readouterr().err
    finally:
        Base.metadata.remove(Note.__table__)
        schema.scripts.cache_clear()
