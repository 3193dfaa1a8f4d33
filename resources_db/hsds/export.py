"""Write the directory as an HSDS 3.0 tabular data package that the spec's own validator accepts.

One CSV per table Harbor keeps, under the official file name, with the official columns in the
official order (empty where Harbor keeps nothing) and Harbor's extensions after them; beside them
the official datapackage.json restricted to those tables (resources_db.hsds.descriptor).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from resources_db.hsds.descriptor import export_descriptor, export_fields, official_resource
from resources_db.hsds.values import standard_offset, to_text
from resources_db.models import TABLES


def export_package(session: Session, directory: Path) -> dict[str, int]:
    """Rows written per table (by Harbor's table names)."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table, model in TABLES.items():
        names = export_fields(table)
        kept = {column.name for column in model.__table__.columns}
        rows = session.scalars(select(model).order_by(model.id)).all()
        with (directory / official_resource(table)["path"]).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(names)
            for row in rows:
                writer.writerow([to_text(_value(table, row, name)) if name in kept else "" for name in names])
        counts[table] = len(rows)
    descriptor = json.dumps(export_descriptor(), indent=4)
    (directory / "datapackage.json").write_text(descriptor + "\n", encoding="utf-8")
    return counts


def _value(table: str, row: Any, name: str) -> Any:
    if table == "schedule" and name == "timezone" and row.timezone is None and row.timezone_name:
        return standard_offset(row.timezone_name)
    return getattr(row, name)
