"""Harbor's schema, brought to the newest migration: the one way Harbor's tables come into being.

Every process reaches the schema through `harbor.core.db.engine_for`, which calls `upgrade` once per
URL; `harbor db upgrade` (and so `harbor up`, before it starts anything) calls it explicitly. It lives
in the core, beside db.py, and imports nothing else of Harbor: the revisions spell their tables out
(harbor/core/migrations/), so no process needs every model imported to get every table. Only what
compares the models with the migrations (the drift test, `harbor db revision`) imports them all,
from the CLI's layer.

Guarantees:
- one migrator at a time per database: a PostgreSQL advisory lock, or SQLite's write lock taken
  first (BEGIN IMMEDIATE); whoever waits then finds the work done;
- all or nothing: adopting, every revision and the version row commit in one transaction (both
  databases run DDL transactionally);
- a database create_all made before migrations (Harbor's tables, no alembic_version) is compared
  with the baseline; tables it lacks are created (create_all made them on first use, so a process
  that never imported a package left that package's tables out), and it is stamped with the
  baseline. Any other difference stops it with every difference named and nothing changed.
- only Harbor's tables are compared: tables only the database has (Rasa's `events`) are left out
  unless they carry Harbor's prefix.
"""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BASELINE = "0001_baseline"
# Harbor's own prefix: a table by that name that the models no longer declare is still Harbor's.
HARBOR_PREFIX = "harbor_"
# A refusal names this many differences, then counts the rest: one line an operator can read.
SHOWN_DIFFERENCES = 8
# Any constant shared by every Harbor process; it only has to differ from other users' advisory locks.
_PG_LOCK_KEY = 0x4A8B0D8


class SchemaMismatch(RuntimeError):
    """A database from before migrations that differs from the baseline: adopting it could lose data."""


@dataclass(frozen=True)
class Upgraded:
    before: str | None  # the revision found; None for an empty database or one from before migrations
    after: str
    applied: tuple[str, ...]  # revisions run, oldest first
    adopted: bool = False  # a database from before migrations was checked and stamped with the baseline
    created: tuple[str, ...] = ()  # tables the adoption added


def is_harbor_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's include_object: a table only the database has is Harbor's only by its prefix."""
    if type_ == "table" and reflected and compare_to is None:
        return bool(name and name.startswith(HARBOR_PREFIX))
    return True


def alembic_config(connection: Connection | None = None, target_metadata: MetaData | None = None) -> Config:
    """Alembic configured in code (no alembic.ini): where the scripts are, and the caller's connection."""
    # quiet: Harbor says what happened itself; Alembic would print to stdout, which carries the answer.
    config = Config(cmd_opts=Namespace(quiet=True))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Revision ids are "NNNN_what_it_does" and name their files: the order shows in a listing.
    config.set_main_option("file_template", "%%(rev)s")
    config.attributes["connection"] = connection
    config.attributes["target_metadata"] = target_metadata
    return config


@lru_cache(maxsize=1)
def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    return str(scripts().get_current_head())


def baseline_schema() -> MetaData:
    """The tables as revision 0001 creates them (and create_all made them before migrations)."""
    return scripts().get_revision(BASELINE).module.schema()


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def differences(connection: Connection, metadata: MetaData) -> list[Any]:
    """Alembic's diff between the database and `metadata`, Harbor's tables only (empty: they match)."""
    context = MigrationContext.configure(connection, opts={"include_object": is_harbor_object, "compare_type": True})
    return compare_metadata(context, metadata)


def upgrade(engine: Engine) -> Upgraded:
    """Bring the database to the newest revision (adopting one from before migrations); see the module doc."""
    with engine.connect() as connection, connection.begin():
        _lock(connection)
        before = current(connection)
        adopted, created = False, ()
        if before is None and _has_harbor_tables(connection):
            created = _adopt(connection)
            adopted, before_adoption = True, BASELINE
        else:
            before_adoption = before
        applied = _pending(before_adoption)
        if applied:
            command.upgrade(alembic_config(connection), "head")
        return Upgraded(before=before, after=current(connection) or "", applied=applied, adopted=adopted,
                        created=created)


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        # pysqlite would begin lazily, at the first INSERT: a second migrator could read "no version"
        # meanwhile. Taking the write lock first makes it wait here (up to the connect timeout).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _has_harbor_tables(connection: Connection) -> bool:
    return bool(set(inspect(connection).get_table_names()) & set(baseline_schema().tables))


def _pending(since: str | None) -> tuple[str, ...]:
    """Revisions after `since` up to head, oldest first."""
    revisions = scripts().iterate_revisions("head", since or "base")
    return tuple(reversed([revision.revision for revision in revisions]))


def _adopt(connection: Connection) -> tuple[str, ...]:
    missing = check_adoptable(connection)
    baseline = baseline_schema()
    baseline.create_all(connection, tables=[baseline.tables[name] for name in missing], checkfirst=False)
    command.stamp(alembic_config(connection), BASELINE)
    return tuple(sorted(missing))


def check_adoptable(connection: Connection, leaving_out: Collection[str] = ()) -> set[str]:
    """The baseline tables a database from before migrations lacks; SchemaMismatch naming every other
    difference. `leaving_out`: tables the caller is about to replace, so not checked."""
    found = differences(connection, baseline_schema())
    missing = {diff[1].name for diff in found if isinstance(diff, tuple) and diff[0] == "add_table"}
    problems = [diff for diff in found if _table_of(diff) not in leaving_out
                and not (_table_of(diff) in missing and isinstance(diff, tuple) and diff[0].startswith("add_"))]
    if problems:
        said = [describe(diff) for diff in problems[:SHOWN_DIFFERENCES]]
        more = len(problems) - len(said)
        raise SchemaMismatch(
            f"this database was made before migrations and differs from their baseline ({BASELINE}): "
            + "; ".join(said) + (f"; and {more} more" if more else "")
            + ". Nothing was changed; fix those tables (or restore a backup), then run `harbor db upgrade` again")
    return missing


def _table_of(diff: Any) -> str:
    """The table an Alembic difference is about (a missing table brings its indexes and constraints)."""
    if isinstance(diff, list):
        return str(diff[0][2])
    if diff[0] in ("add_column", "remove_column"):
        return str(diff[2])
    element = diff[1]
    return str(element.name if diff[0] in ("add_table", "remove_table") else element.table.name)


def describe(diff: Any) -> str:
    """One Alembic difference as a person reads it: what the database has against what is expected."""
    if isinstance(diff, list):  # a column's modifications come as a list of tuples
        return "; ".join(describe(item) for item in diff)
    kind = diff[0]
    if kind in ("add_table", "remove_table"):
        return f"table {diff[1].name} is {'missing' if kind == 'add_table' else 'not expected'}"
    if kind in ("add_column", "remove_column"):
        return f"column {diff[2]}.{diff[3].name} is {'missing' if kind == 'add_column' else 'not expected'}"
    if kind in ("add_index", "remove_index", "add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        what = kind.split("_", 1)[1].replace("fk", "foreign key")
        element = diff[1]
        name = element.name or ", ".join(column.name for column in getattr(element, "columns", []))
        return f"{what} {name} on {element.table.name} is {'missing' if kind.startswith('add') else 'not expected'}"
    if kind.startswith("modify_"):
        _, _, table, column, _, found, expected = diff
        return f"column {table}.{column} has {kind.removeprefix('modify_')} {found}, expected {expected}"
    return repr(diff)
