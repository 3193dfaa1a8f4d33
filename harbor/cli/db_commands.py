"""`harbor db`: bring the database to the newest schema revision, say which revision it is at, and
write a new revision when a model changes (harbor/core/schema.py runs them; harbor/core/migrations/
holds them)."""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from harbor.cli.errors import EXIT_OK, BadInput, say, show


def add_parsers(commands: argparse._SubParsersAction) -> None:
    db = commands.add_parser("db", help="the database schema (migrations)")
    dc = db.add_subparsers(dest="db_command", metavar="SUBCOMMAND", required=True)

    upgrade = dc.add_parser(
        "upgrade", help="bring DATABASE_URL to the newest schema revision (harbor up runs it first)",
        description="Runs every migration the database has not had, in one transaction, one migrator at a "
        "time. A database from before migrations is checked against the baseline and adopted (tables it "
        "lacks are created); if it differs, every difference is named and nothing changes (exit code 2). "
        "Running it again changes nothing. Rasa's own table (events) is Rasa's and is left alone.")
    upgrade.add_argument("--json", action="store_true", help="print the result as one JSON object")
    upgrade.set_defaults(run=upgrade_database)

    current = dc.add_parser("current", help="print the database's schema revision and the newest one",
                            description="Reads the revision without changing anything.")
    current.add_argument("--json", action="store_true")
    current.set_defaults(run=show_current)

    revision = dc.add_parser(
        "revision", help="(developers) write a migration for what the models changed",
        description="Compares the models with a scratch SQLite database at the newest revision and writes "
        "harbor/core/migrations/versions/NNNN_<message>.py with the operations it found. Read and edit it "
        "before you commit it: renames come out as a drop and an add, and data is never moved for you.")
    revision.add_argument("-m", "--message", required=True, help="what the revision does, a few words")
    revision.set_defaults(run=write_revision)


def upgrade_database(args: argparse.Namespace) -> int:
    from harbor.cli.up import shown_url
    from harbor.core.db import bare_engine
    from harbor.core.schema import SchemaMismatch, upgrade
    from harbor.core.settings import database_url, var_dir
    from resources_db.upgrade import ensure_current

    url = database_url()
    engine = bare_engine(url)
    if not args.json:
        print(f"database: {shown_url(url)}", flush=True)
    try:
        # A directory from before HSDS ids is not the baseline's: it is moved first, then adopted.
        backup = ensure_current(engine, var_dir())
        result = upgrade(engine)
    except SchemaMismatch as mismatch:
        raise BadInput(str(mismatch)) from None
    lines = []
    if backup is not None:
        lines.append(f"the resource directory now has HSDS 3.0 ids; its old rows are kept in {backup}")
    if result.adopted:
        created = f"; created the tables it lacked: {', '.join(result.created)}" if result.created else ""
        lines.append(f"adopted a database made before migrations: it matches the baseline{created}")
    lines.extend(f"applied {revision}" for revision in result.applied)
    lines.append(f"at revision {result.after} (newest)" + ("" if result.applied or result.adopted
                                                             else "; nothing to do"))
    show({"database": shown_url(url), "before": result.before, "revision": result.after,
          "applied": list(result.applied), "adopted": result.adopted, "created": list(result.created),
          "directory_backup": str(backup) if backup else None}, args.json, "\n".join(lines))
    return EXIT_OK


def show_current(args: argparse.Namespace) -> int:
    from harbor.cli.up import shown_url
    from harbor.core.db import bare_engine
    from harbor.core.schema import current, head
    from harbor.core.settings import database_url

    url = database_url()
    with bare_engine(url).connect() as connection:
        revision = current(connection)
    newest = head()
    if revision == newest:
        state = f"at revision {revision} (newest)"
    elif revision is None:
        state = "no revision yet (empty, or made before migrations): run `harbor db upgrade`"
    else:
        state = f"at revision {revision}; the newest is {newest}: run `harbor db upgrade`"
    show({"database": shown_url(url), "revision": revision, "head": newest}, args.json,
         f"database: {shown_url(url)}\n{state}")
    return EXIT_OK


def write_revision(args: argparse.Namespace) -> int:
    from alembic import command
    from sqlalchemy import create_engine

    from harbor.cli.schema_models import harbor_metadata
    from harbor.core import schema

    slug = re.sub(r"[^a-z0-9]+", "_", args.message.lower()).strip("_")[:40]
    if not slug:
        raise BadInput("the message needs a letter or a digit: it names the file")
    metadata = harbor_metadata()
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'head.db'}", future=True)
        schema.upgrade(engine)
        with engine.connect() as connection, connection.begin():
            if not schema.differences(connection, metadata):
                say("the models match the newest revision: nothing to write")
                return EXIT_OK
            number = len(list(schema.scripts().walk_revisions())) + 1
            written = command.revision(schema.alembic_config(connection, metadata), message=args.message,
                                       autogenerate=True, rev_id=f"{number:04d}_{slug}")
        engine.dispose()
    path = written.path if not isinstance(written, list) else written[0].path  # type: ignore[union-attr]
    print(path)
    return EXIT_OK
