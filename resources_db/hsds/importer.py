"""Import an HSDS data package: check the whole package, then upsert it in the caller's transaction.

Nothing is written when any row has a problem; each problem is reported as
`file:line: column: reason`, with the package's warnings (skipped tables and columns) beside
them, also when the import fails. Rows are upserted by id, so importing a corrected package
again is safe, and an old Harbor export lands on the rows it came from (resources_db/ids.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from resources_db.hsds.checks import RowProblem
from resources_db.hsds.read import read_package
from resources_db.models import TABLES, Service

MAX_ERRORS_SHOWN = 50


class ImportFailed(ValueError):
    def __init__(self, problems: list[RowProblem], warnings: list[str]) -> None:
        self.problems = problems
        self.warnings = warnings
        shown = "\n".join(str(problem) for problem in problems[:MAX_ERRORS_SHOWN])
        more = len(problems) - MAX_ERRORS_SHOWN
        super().__init__(shown + (f"\n... and {more} more" if more > 0 else ""))


@dataclass
class ImportReport:
    package: str
    rows: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def import_package(session: Session, directory: Path, today: date | None = None) -> ImportReport:
    """Raises ImportFailed (and writes nothing) when any row breaks the spec or Harbor's rules."""
    existing = {table: set(session.scalars(select(model.id))) for table, model in TABLES.items()}
    existing["confidential"] = set(session.scalars(select(Service.id).where(Service.confidential_location.is_(True))))
    package = read_package(directory, existing, today)
    if package.problems:
        raise ImportFailed(package.problems, package.warnings)
    report = ImportReport(package=package.name, warnings=package.warnings)
    for table, model in TABLES.items():  # parents first: TABLES is in dependency order
        rows = package.rows.get(table, [])
        for _, values in rows:
            session.merge(model(**values))
        report.rows[table] = len(rows)
        session.flush()
    return report
