"""Plain SQL on the session's DB-API cursor, for the statements a directory search runs.

A search runs about seven small statements; SQLAlchemy's per-statement work (building,
caching, result rows) cost more than SQLite's own, so these skip it. SQL is written with
:name parameters (SQLite's own style) and rewritten to %(name)s for drivers that want that
(psycopg2). Every value is a bound parameter.
"""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

from sqlalchemy.orm import Session

_NAMED = re.compile(r":([a-z_][a-z0-9_]*)")


class RawCursor:
    """The DB-API cursor of the session's connection (inside the session's transaction)."""

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        self._cursor = connection.connection.cursor()
        self._pyformat = connection.dialect.paramstyle == "pyformat"

    def fetch(self, sql: str, params: dict[str, object]) -> list[tuple]:
        if self._pyformat:
            sql = _NAMED.sub(r"%(\1)s", sql)
        self._cursor.execute(sql, params)
        return self._cursor.fetchall()

    def rows(self, sql: str, params: dict[str, object]) -> list[SimpleNamespace]:
        """Rows with attribute access; dates as dates (SQLite hands back text)."""
        found = self.fetch(sql, params)
        names = [column[0] for column in self._cursor.description]
        return [SimpleNamespace(**{name: _as_date(value) if name in _DATE_COLUMNS else value
                                   for name, value in zip(names, row, strict=True)}) for row in found]


_DATE_COLUMNS = {"assured_date", "valid_from", "valid_to"}


def _as_date(value: object) -> object:
    return date.fromisoformat(value) if isinstance(value, str) and value else value


def in_list(prefix: str, values: list[str]) -> tuple[str, dict[str, str]]:
    """":p0, :p1, ..." and its parameters, for an IN (...) of known length."""
    return ", ".join(f":{prefix}{n}" for n in range(len(values))), {f"{prefix}{n}": v for n, v in enumerate(values)}
