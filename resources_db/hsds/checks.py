"""What a row must satisfy beyond its column types: enums, ranges, references, and Harbor's safety rule.

Every problem is a RowProblem, shown to the admin as `file:line: column: reason`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from resources_db.models import GENDERS, LOCATION_TYPES, SERVICE_STATUSES, WEEKDAYS

Rows = dict[str, list[tuple[int, dict[str, Any]]]]  # table -> (line, values)

_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("service", "status"): SERVICE_STATUSES,
    ("location", "location_type"): LOCATION_TYPES,
    ("address", "address_type"): LOCATION_TYPES,
    ("schedule", "freq"): ("WEEKLY", "MONTHLY"),
    ("service_area", "extent_type"): ("geojson", "topojson", "kml", "text"),
    ("location", "coordinates_precision"): ("address", "city"),
}
# Which column points at which table. CHECKED must point at a row of the package or the database;
# the others name tables Harbor does not keep (or a parent it need not have), so they only follow
# the id conversion.
CHECKED = {
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
    ("taxonomy_term", "parent_id"): "taxonomy_term",
    ("attribute", "taxonomy_term_id"): "taxonomy_term",
}
UNCHECKED = {
    ("organization", "parent_organization_id"): "organization",
    ("taxonomy_term", "taxonomy_id"): "taxonomy",
}


@dataclass(frozen=True)
class RowProblem:
    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.reason}"


def row_problems(table: str, values: dict[str, Any]) -> list[tuple[str, str]]:
    """(column, reason) for each rule the row breaks."""
    problems = [(name, f"{values[name]!r} is not one of {', '.join(allowed)}")
                for (enum_table, name), allowed in _ENUMS.items()
                if enum_table == table and values.get(name) is not None and values[name] not in allowed]
    if table == "service":
        problems += _service(values)
    elif table == "location":
        problems += _location(values)
    elif table == "schedule":
        problems += _schedule(values)
    return problems


def _schedule(values: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    days = [day.strip() for day in (values.get("byday") or "").split(",") if day.strip()]
    bad = [day for day in days if re.sub(r"^[+-]?\d{1,2}", "", day) not in WEEKDAYS]
    if bad:
        problems.append(("byday", f"{', '.join(bad)} are not days (MO,TU,WE,TH,FR,SA,SU)"))
    offset = values.get("timezone")
    if offset is not None and not -14 <= offset <= 14:
        problems.append(("timezone", f"{offset} is not a UTC offset in hours (-14 to 14)"))
    return problems


def _service(values: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    low, high = values.get("minimum_age"), values.get("maximum_age")
    for name, age in (("minimum_age", low), ("maximum_age", high)):
        if age is not None and not 0 <= age <= 120:
            problems.append((name, f"{age} is not an age (0-120)"))
    if low is not None and high is not None and low > high:
        problems.append(("maximum_age", f"{high} is less than minimum_age {low}"))
    unknown = {g.strip() for g in (values.get("genders") or "").split(",") if g.strip()} - set(GENDERS)
    if unknown:
        problems.append(("genders", f"unknown {', '.join(sorted(unknown))} (use {', '.join(GENDERS)})"))
    return problems


def _location(values: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    latitude, longitude = values.get("latitude"), values.get("longitude")
    if latitude is not None and not -90 <= latitude <= 90:
        problems.append(("latitude", f"{latitude} is not between -90 and 90"))
    if longitude is not None and not -180 <= longitude <= 180:
        problems.append(("longitude", f"{longitude} is not between -180 and 180"))
    if (latitude is None) != (longitude is None):
        problems.append(("longitude" if longitude is None else "latitude",
                         "latitude and longitude must both be given or both be empty"))
    return problems


def reference_problems(rows: Rows, files: dict[str, str], existing: dict[str, set[str]]) -> list[RowProblem]:
    """Every reference points at a row in the package or already in the database."""
    ids = {table: {values["id"] for _, values in table_rows} for table, table_rows in rows.items()}

    def known(table: str, ref: str) -> bool:
        return ref in ids.get(table, set()) or ref in existing.get(table, set())

    problems = []
    for (table, column), target in CHECKED.items():
        for line, values in rows.get(table, []):
            ref = values.get(column)
            if ref is not None and not known(target, ref):
                problems.append(RowProblem(files[table], line, column, f"no {target} with id {ref!r}"))
    for line, values in rows.get("attribute", []):
        if values.get("link_id") and not known(values["link_entity"], values["link_id"]):
            problems.append(RowProblem(files["attribute"], line, "link_id",
                                       f"no {values['link_entity']} with id {values['link_id']!r}"))
    return problems + _confidential(rows, files, existing.get("confidential", set()))


def _confidential(rows: Rows, files: dict[str, str], already_confidential: set[str]) -> list[RowProblem]:
    """DESIGN.md rule 2: a confidential service has no address or coordinates anywhere."""
    confidential = {values["id"] for _, values in rows.get("service", []) if values.get("confidential_location")}
    confidential |= already_confidential
    problems = [RowProblem(files["service_at_location"], line, "service_id",
                           f"service {values['service_id']!r} is confidential_location: it may not be linked to "
                           "a location (keep only its intake phone)")
                for line, values in rows.get("service_at_location", []) if values.get("service_id") in confidential]
    for table in ("phone", "schedule", "language"):
        problems += [RowProblem(files[table], line, "location_id",
                                "a confidential service's row may not name a location")
                     for line, values in rows.get(table, [])
                     if values.get("service_id") in confidential and values.get("location_id")]
    return problems

