"""HSDS 3.0 tabular data packages: one CSV per table plus datapackage.json.

Import checks every row before anything is written: a row that breaks the spec is reported as
file:line: column: reason, and a package with any such row changes nothing. Rows are upserted
by id, so importing a corrected package again is safe. Export writes what import reads, so a
round trip is lossless.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, String, select
from sqlalchemy.orm import Session

from resources_db import hours
from resources_db.models import (
    HARBOR_FIELDS,
    LOCATION_TYPES,
    PHONE_TYPES,
    SERVICE_STATUSES,
    TABLES,
    WEEKDAYS,
)

MAX_ERRORS_SHOWN = 50
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}
_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("service", "status"): SERVICE_STATUSES,
    ("location", "location_type"): LOCATION_TYPES,
    ("address", "address_type"): LOCATION_TYPES,
    ("phone", "type"): PHONE_TYPES,
    ("schedule", "freq"): ("WEEKLY", "MONTHLY"),
    ("service_area", "extent_type"): ("geojson", "topojson", "kml", "text"),
    ("location", "coordinates_precision"): ("address", "city"),
}
_GENDERS = {"female", "male", "transgender", "nonbinary"}
# Which column of which table points at which table, for the reference check.
_REFERENCES = {
    ("service", "organization_id"): "organization",
    ("location", "organization_id"): "organization",
    ("service_at_location", "service_id"): "service",
    ("service_at_location", "location_id"): "location",
    ("address", "location_id"): "location",
    ("phone", "service_id"): "service",
    ("phone", "location_id"): "location",
    ("phone", "organization_id"): "organization",
    ("phone", "service_at_location_id"): "service_at_location",
    ("schedule", "service_id"): "service",
    ("schedule", "location_id"): "location",
    ("schedule", "service_at_location_id"): "service_at_location",
    ("language", "service_id"): "service",
    ("language", "location_id"): "location",
    ("language", "phone_id"): "phone",
    ("service_area", "service_id"): "service",
    ("service_area", "service_at_location_id"): "service_at_location",
    ("taxonomy_term", "parent_id"): "taxonomy_term",
    ("attribute", "taxonomy_term_id"): "taxonomy_term",
}


@dataclass(frozen=True)
class RowProblem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class ImportFailed(ValueError):
    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        shown = "\n".join(str(problem) for problem in problems[:MAX_ERRORS_SHOWN])
        more = len(problems) - MAX_ERRORS_SHOWN
        super().__init__(shown + (f"\n... and {more} more" if more > 0 else ""))


@dataclass
class ImportReport:
    rows: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _columns(table: str) -> list[Any]:
    return list(TABLES[table].__table__.columns)


def _to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def export_package(session: Session, directory: Path) -> dict[str, int]:
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    resources = []
    for table, model in TABLES.items():
        columns = _columns(table)
        names = [column.name for column in columns]
        rows = session.scalars(select(model).order_by(model.id)).all()
        with (directory / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(names)
            for row in rows:
                writer.writerow([_to_text(getattr(row, name)) for name in names])
        counts[table] = len(rows)
        resources.append({
            "name": table, "path": f"{table}.csv", "profile": "tabular-data-resource",
            "schema": {"fields": [{"name": column.name, "type": _type_name(column)} for column in columns],
                       "primaryKey": "id"},
        })
    package = {
        "name": "harbor-resource-directory", "profile": "tabular-data-package",
        "description": "Harbor's resource directory as an Open Referral HSDS 3.0 tabular package. "
                       "Extra columns are Harbor extensions: " + json.dumps(HARBOR_FIELDS),
        "resources": resources,
    }
    (directory / "datapackage.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    return counts


def _type_name(column: Any) -> str:
    kind = column.type
    if isinstance(kind, Boolean):
        return "boolean"
    if isinstance(kind, Integer):
        return "integer"
    if isinstance(kind, Float):
        return "number"
    if isinstance(kind, Date):
        return "date"
    return "string"


def _parse(column: Any, raw: str) -> Any:
    kind = column.type
    if isinstance(kind, Boolean):
        lowered = raw.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(f"not true or false: {raw!r}")
    if isinstance(kind, Integer):
        if not re.fullmatch(r"-?\d{1,9}", raw):
            raise ValueError(f"not a whole number: {raw!r}")
        return int(raw)
    if isinstance(kind, Float):
        number = float(raw)  # ValueError says what is wrong
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"not a finite number: {raw!r}")
        return number
    if isinstance(kind, Date):
        return date.fromisoformat(raw)
    if isinstance(kind, String) and kind.length and len(raw) > kind.length:
        raise ValueError(f"longer than {kind.length} characters")
    return raw


def _check_row(table: str, values: dict[str, Any]) -> list[str]:
    """Rules beyond types: enums, ranges, and Harbor's safety rules."""
    problems = []
    for (enum_table, name), allowed in _ENUMS.items():
        if enum_table == table and values.get(name) is not None and values[name] not in allowed:
            problems.append(f"{name}: {values[name]!r} is not one of {', '.join(allowed)}")
    if table == "service":
        low, high = values.get("minimum_age"), values.get("maximum_age")
        for name in ("minimum_age", "maximum_age"):
            if values.get(name) is not None and not 0 <= values[name] <= 120:
                problems.append(f"{name}: {values[name]} is not an age (0-120)")
        if low is not None and high is not None and low > high:
            problems.append(f"minimum_age {low} is more than maximum_age {high}")
        unknown = {g.strip() for g in (values.get("genders") or "").split(",") if g.strip()} - _GENDERS
        if unknown:
            problems.append(f"genders: unknown {', '.join(sorted(unknown))} (use {', '.join(sorted(_GENDERS))})")
    if table == "location":
        if values.get("latitude") is not None and not -90 <= values["latitude"] <= 90:
            problems.append(f"latitude: {values['latitude']} is not between -90 and 90")
        if values.get("longitude") is not None and not -180 <= values["longitude"] <= 180:
            problems.append(f"longitude: {values['longitude']} is not between -180 and 180")
        if (values.get("latitude") is None) != (values.get("longitude") is None):
            problems.append("latitude and longitude must both be given or both be empty")
    if table == "schedule":
        for name in ("opens_at", "closes_at"):
            if values.get(name):
                try:
                    hours.parse_time(values[name])
                except ValueError as error:
                    problems.append(f"{name}: {error}")
        days = [d.strip() for d in (values.get("byday") or "").split(",") if d.strip()]
        bad = [d for d in days if re.sub(r"^-?\d", "", d) not in WEEKDAYS]
        if bad:
            problems.append(f"byday: {', '.join(bad)} are not days (MO,TU,WE,TH,FR,SA,SU)")
    if table == "attribute" and values.get("link_entity") not in (None, *TABLES):
        problems.append(f"link_entity: {values['link_entity']!r} is not a table in this package")
    return problems


def read_package(directory: Path, existing: dict[str, set[str]] | None = None
                 ) -> tuple[dict[str, list[tuple[int, dict[str, Any]]]], list[RowProblem], list[str]]:
    """Parse and check every CSV; returns rows by table (with line numbers), problems, warnings.

    `existing` holds ids already in the database (by table, plus "confidential" services), which
    references may point at.
    """
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} is not a directory")
    tables: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    problems: list[RowProblem] = []
    warnings: list[str] = []
    known = {f"{table}.csv" for table in TABLES}
    for path in sorted(directory.glob("*.csv")):
        if path.name not in known:
            warnings.append(f"{path.name}: skipped (Harbor does not use this HSDS table)")
    if not any((directory / name).exists() for name in known):
        raise FileNotFoundError(f"{directory} holds none of the HSDS tables ({', '.join(sorted(known))})")
    for table in TABLES:
        path = directory / f"{table}.csv"
        if path.exists():
            _read_table(table, path, tables, problems, warnings)
    problems += _check_references(tables, existing or {})
    return tables, problems, warnings


def _read_table(table: str, path: Path, tables: dict, problems: list[RowProblem], warnings: list[str]) -> None:
    columns = {column.name: column for column in _columns(table)}
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
    except UnicodeDecodeError:
        problems.append(RowProblem(path.name, 1, "not UTF-8 text"))
        return
    with handle:
        if "id" not in header:
            problems.append(RowProblem(path.name, 1, "no id column"))
            return
        ignored = [name for name in header if name not in columns]
        if ignored:
            warnings.append(f"{path.name}: ignored columns {', '.join(ignored)}")
        seen: set[str] = set()
        line = 1
        try:
            for raw in reader:
                line = reader.line_num
                values, row_problems = _parse_row(table, columns, raw)
                if values.get("id") in seen:
                    row_problems.append(f"id {values['id']!r} appears twice in this file")
                seen.add(values.get("id"))
                problems += [RowProblem(path.name, line, reason) for reason in row_problems]
                tables[table].append((line, values))
        except UnicodeDecodeError:
            problems.append(RowProblem(path.name, line + 1, "not UTF-8 text"))
        except csv.Error as error:
            problems.append(RowProblem(path.name, reader.line_num, f"broken CSV: {error}"))


def _parse_row(table: str, columns: dict[str, Any], raw: dict[str | None, Any]) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {}
    problems: list[str] = []
    if None in raw:
        problems.append("more values than columns")
    for name, column in columns.items():
        text = raw.get(name)
        text = text if isinstance(text, str) else ""
        if not isinstance(column.type, String):
            text = text.strip()  # " 12" is 12; free text keeps its spaces so a round trip is exact
        if text.strip() == "":
            if not column.nullable and column.default is None and not column.primary_key:
                problems.append(f"{name}: required")
            elif column.primary_key:
                problems.append("id: required")
            values[name] = column.default.arg if column.default is not None and not callable(
                column.default.arg) else None
            continue
        try:
            values[name] = _parse(column, text)
        except ValueError as error:
            problems.append(f"{name}: {error}")
    return values, problems + _check_row(table, values)


def _check_references(tables: dict[str, list[tuple[int, dict[str, Any]]]],
                      existing: dict[str, set[str]]) -> list[RowProblem]:
    """Every reference points at a row in the package or already in the database."""
    ids = {table: {values.get("id") for _, values in rows} for table, rows in tables.items()}
    problems = []
    for (table, column), target in _REFERENCES.items():
        for line, values in tables.get(table, []):
            ref = values.get(column)
            if ref is not None and ref not in ids.get(target, set()) and ref not in existing.get(target, set()):
                problems.append(RowProblem(f"{table}.csv", line, f"{column}: no {target} with id {ref!r}"))
    return problems + _check_confidential(tables, existing.get("confidential", set()))


def _check_confidential(tables: dict[str, list[tuple[int, dict[str, Any]]]],
                        already_confidential: set[str]) -> list[RowProblem]:
    """DESIGN.md rule 2: a confidential service has no address or coordinates anywhere."""
    confidential = {values["id"] for _, values in tables.get("service", []) if values.get("confidential_location")}
    confidential |= already_confidential
    problems = []
    for line, values in tables.get("service_at_location", []):
        if values.get("service_id") in confidential:
            problems.append(RowProblem("service_at_location.csv", line,
                                       f"service {values['service_id']!r} is confidential_location: it may not be "
                                       "linked to a location (keep only its intake phone)"))
    for line, values in tables.get("phone", []) + tables.get("schedule", []):
        if values.get("service_id") in confidential and values.get("location_id"):
            problems.append(RowProblem("phone.csv" if "number" in values else "schedule.csv", line,
                                       "a confidential service's row may not name a location"))
    return problems


def import_package(session: Session, directory: Path) -> ImportReport:
    """Check the whole package, then upsert every row in the caller's transaction.

    Raises ImportFailed (and writes nothing) when any row breaks the spec.
    """
    existing = {table: set(session.scalars(select(model.id))) for table, model in TABLES.items()}
    existing["confidential"] = set(session.scalars(
        select(TABLES["service"].id).where(TABLES["service"].confidential_location.is_(True))))
    tables, problems, warnings = read_package(directory, existing)
    if problems:
        raise ImportFailed(problems)
    report = ImportReport(warnings=warnings)
    for table, model in TABLES.items():  # parents first: TABLES is in dependency order
        rows = tables.get(table, [])
        for _, values in rows:
            session.merge(model(**values))
        report.rows[table] = len(rows)
        session.flush()
    return report
