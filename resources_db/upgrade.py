"""A directory database written before HSDS 3.0 ids (slug ids, last_verified) moved to today's tables.

Such a database predates migrations too, and its directory tables differ from their baseline, so it
is moved before the migrations adopt it (`harbor db upgrade` and every `harbor resources` command
call this on the bare engine first). Its directory tables are written out in the old export
layout (which import still reads), dropped, created anew and imported back: ids become the UUIDs
a fresh seed gives, so the seed merges onto them and imported rows keep theirs. The old rows stay
on disk in that folder, named in the message, in case anything fails after the drop.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from harbor.core.db import create_schema
from harbor.core.schema import check_adoptable, current
from resources_db.models import TABLES


def ensure_current(engine: Engine, backup_root: Path) -> Path | None:
    """The explicit step `harbor db upgrade` (and so `harbor up`) and every `harbor resources` command
    take before the migrations run: a database in the old layout is moved, and the folder that keeps
    its old rows is returned; None when there was nothing to move. Give it `harbor.core.db.bare_engine`:
    `engine_for` would try to adopt the old layout first, and refuse."""
    return upgrade(engine, backup_root) if needs_upgrade(engine) else None


def needs_upgrade(engine: Engine) -> bool:
    inspector = inspect(engine)
    if "service" not in inspector.get_table_names():
        return False
    return "slug" not in {column["name"] for column in inspector.get_columns("service")}


def upgrade(engine: Engine, backup_root: Path) -> Path:
    """Move the directory to today's tables; returns the folder that keeps the old rows."""
    from resources_db.hsds import import_package
    from resources_db.hsds.values import to_text

    with engine.connect() as connection:
        if current(connection) is None:  # before migrations: the rest must be adoptable before anything is dropped
            check_adoptable(connection, leaving_out=TABLES)
    present = set(inspect(engine).get_table_names())
    backup = backup_root / f"directory-before-hsds-ids-{datetime.now():%Y%m%d-%H%M%S}"
    backup.mkdir(parents=True)
    with engine.connect() as connection:
        for table in TABLES:
            if table in present:
                result = connection.exec_driver_sql(f'SELECT * FROM "{table}"')
                with (backup / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(result.keys())
                    writer.writerows([to_text(value) for value in row] for row in result)
    for table in reversed(TABLES):  # children first, as foreign keys want
        if table in present:
            TABLES[table].__table__.drop(engine)
    create_schema(engine)  # the directory's tables as the newest revision has them, the database adopted
    with Session(engine, future=True) as session:
        import_package(session, backup)
        session.commit()
    return backup
