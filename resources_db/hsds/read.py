"""Read an HSDS tabular data package: find its tables, parse and check every row, write nothing.

Reads packages that follow HSDS 3.0 (the official plural file names, or the paths its own
datapackage.json gives) and the exports Harbor wrote before (singular names, slug ids,
`last_verified`, an IANA zone in `timezone`). Of the 21 HSDS 3.0 tables, the 11 Harbor keeps are
read and the others are skipped with a warning. Ids that are not UUIDs become UUID 5s of
themselves (resources_db/ids.py) and keep their old text as `slug`; references follow.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import String

from resources_db.hsds.checks import CHECKED, UNCHECKED, RowProblem, Rows, reference_problems, row_problems
from resources_db.hsds.descriptor import file_names, official_tables
from resources_db.hsds.values import NUMBER, BareHost, parse, standard_offset
from resources_db.ids import harbor_id, is_uuid
from resources_db.models import TABLES

# Columns of Harbor's exports before HSDS 3.0 conformance, read into their HSDS place.
_LEGACY = {("service", "last_verified")}


@dataclass
class PackageRead:
    name: str
    files: dict[str, str] = field(default_factory=dict)  # table -> the file it was read from
    rows: Rows = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_package(directory: Path, existing: dict[str, set[str]] | None = None,
                 today: date | None = None) -> PackageRead:
    """Every row of the tables Harbor keeps, checked. `existing` holds ids already in the
    database (by table, plus "confidential" services), which references may point at."""
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} is not a directory")
    descriptor, warnings = _descriptor(directory)
    package = PackageRead(name=str(descriptor.get("name") or directory.resolve().name), warnings=warnings)
    paths = _locate(directory, descriptor, package)
    if not paths:
        wanted = ", ".join(file_names(table)[0] for table in TABLES)
        raise FileNotFoundError(f"{directory} holds none of the HSDS tables Harbor reads ({wanted})")
    source = f"imported from {package.name} on {(today or date.today()).isoformat()}"
    for table in TABLES:  # parents first
        if table in paths:
            package.files[table] = paths[table].name
            package.rows[table] = _read_table(table, paths[table], source, package)
    package.problems += reference_problems(package.rows, package.files, existing or {})
    return package


def _descriptor(directory: Path) -> tuple[dict[str, Any], list[str]]:
    path = directory / "datapackage.json"
    if not path.is_file():
        return {}, []
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return {}, [f"datapackage.json: not read ({error}); tables found by their file names"]
    return (descriptor, []) if isinstance(descriptor, dict) else ({}, ["datapackage.json: not an object; ignored"])


def _declared_paths(descriptor: dict[str, Any]) -> dict[str, str]:
    """Resource name -> file, for plain file names in the package (never a path outside it or a URL)."""
    paths = {}
    for resource in descriptor.get("resources") or []:
        name, path = (resource.get("name"), resource.get("path")) if isinstance(resource, dict) else (None, None)
        if isinstance(name, str) and isinstance(path, str) and path == Path(path).name and path.endswith(".csv"):
            paths[name] = path
    return paths


def _locate(directory: Path, descriptor: dict[str, Any], package: PackageRead) -> dict[str, Path]:
    """The file of each table Harbor keeps; a warning for every other CSV file."""
    declared = _declared_paths(descriptor)
    found: dict[str, Path] = {}
    claimed: set[str] = set()
    for table in official_tables():
        names = list(dict.fromkeys([declared[table], *file_names(table)] if table in declared else file_names(table)))
        present = [name for name in names if (directory / name).is_file()]
        claimed.update(present)
        if len(present) > 1:
            package.problems.append(RowProblem(present[1], 1, "-", f"table {table} is also in {present[0]}; "
                                               "a package holds each table once"))
        if present and table in TABLES:
            found[table] = directory / present[0]
        elif present:
            package.warnings.append(f"{present[0]}: skipped (Harbor does not keep the HSDS table {table})")
    for path in sorted(directory.glob("*.csv")):
        if path.name not in claimed:
            package.warnings.append(f"{path.name}: skipped (not an HSDS 3.0 table)")
    return found


def _read_table(table: str, path: Path, source: str, package: PackageRead) -> list[tuple[int, dict[str, Any]]]:
    columns = {column.name: column for column in TABLES[table].__table__.columns}
    rows: list[tuple[int, dict[str, Any]]] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        line = 1
        try:
            header = [name.strip() for name in reader.fieldnames or []]
            if "id" not in header:
                package.problems.append(RowProblem(path.name, 1, "id", "no id column"))
                return rows
            reader.fieldnames = header
            ignored = [name for name in header if name not in columns and (table, name) not in _LEGACY]
            used: set[str] = set()
            seen: set[str] = set()
            notes: Counter[str] = Counter()
            for raw in reader:
                line = reader.line_num
                values, found = _parse_row(table, columns, raw, source, notes)
                used.update(name for name in ignored if (raw.get(name) or "").strip())
                if None in raw:
                    found.append((f"column {len(header) + 1}", "more values than the header has columns"))
                if values.get("id") is not None and values["id"] in seen:
                    found.append(("id", f"{values.get('slug') or values['id']!r} appears twice in this file"))
                seen.add(values.get("id"))
                package.problems += [RowProblem(path.name, line, column, reason) for column, reason in found]
                if table == "attribute" and values.get("link_entity") not in (None, *TABLES):
                    notes[f"entity:{values['link_entity']}"] += 1
                    continue
                rows.append((line, values))
        except UnicodeDecodeError:
            package.problems.append(RowProblem(path.name, line + 1, "-", "not UTF-8 text"))
            return rows
        except csv.Error as error:
            package.problems.append(RowProblem(path.name, reader.line_num, "-", f"broken CSV: {error}"))
            return rows
    package.warnings += _notes(path.name, [name for name in ignored if name in used], notes)
    return rows


def _notes(file: str, ignored: list[str], notes: Counter[str]) -> list[str]:
    warnings = []
    if ignored:
        warnings.append(f"{file}: ignored columns {', '.join(ignored)} (Harbor does not keep them)")
    if notes["https"]:
        warnings.append(f"{file}: {notes['https']} web addresses without a scheme read as https://...")
    skipped = {key.split(":", 1)[1]: count for key, count in notes.items() if key.startswith("entity:")}
    if skipped:
        warnings.append(f"{file}: {sum(skipped.values())} rows skipped: they describe tables Harbor does not "
                        f"keep ({', '.join(sorted(skipped))})")
    return warnings


def _parse_row(table: str, columns: dict[str, Any], raw: dict[str | None, Any], source: str,
               notes: Counter[str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    cells = _legacy_cells(table, raw)
    values: dict[str, Any] = {}
    found: list[tuple[str, str]] = []
    for name, column in columns.items():
        text = cells.get(name)
        text = text if isinstance(text, str) else ""
        if not isinstance(column.type, String):
            text = text.strip()  # " 12" is 12; free text keeps its spaces so a round trip is exact
        if text.strip() == "":
            values[name] = _empty(table, column, source, found)
            continue
        try:
            values[name] = parse(table, column, text)
        except BareHost as https:
            values[name] = str(https)
            notes["https"] += 1
        except ValueError as error:
            found.append((name, str(error)))
    if values.get("id") is not None:
        _harbor_ids(table, values)
    return values, found + row_problems(table, values)


def _legacy_cells(table: str, raw: dict[str | None, Any]) -> dict[str | None, Any]:
    """Harbor's own exports before HSDS 3.0 conformance, moved to where HSDS keeps the same thing."""
    cells = dict(raw)
    if table == "service" and not (cells.get("assured_date") or "").strip():
        cells["assured_date"] = cells.get("last_verified") or ""
    zone = (cells.get("timezone") or "").strip() if table == "schedule" else ""
    if zone and not NUMBER.match(zone):
        try:
            cells["timezone"] = repr(standard_offset(zone))
        except ValueError:
            return cells  # left as it is: parse() says what is wrong with it
        if not (cells.get("timezone_name") or "").strip():
            cells["timezone_name"] = zone
    return cells


def _empty(table: str, column: Any, source: str, found: list[tuple[str, str]]) -> Any:
    if column.primary_key or (not column.nullable and column.default is None and column.name != "source"):
        found.append((column.name, "required"))
        return None
    if table == "service" and column.name == "source":
        return source
    return column.default.arg if column.default is not None and not callable(column.default.arg) else None


def _harbor_ids(table: str, values: dict[str, Any]) -> None:
    """A non-UUID id becomes the UUID 5 of itself and stays readable as the slug; references follow."""
    if not is_uuid(values["id"]):
        values["slug"] = values.get("slug") or values["id"]
        values["id"] = harbor_id(table, values["id"])
    targets = {column: target for (owner, column), target in {**CHECKED, **UNCHECKED}.items() if owner == table}
    if table == "attribute" and values.get("link_entity") in TABLES:
        targets["link_id"] = values["link_entity"]
    for column, target in targets.items():
        if values.get(column) and not is_uuid(values[column]):
            values[column] = harbor_id(target, values[column])
