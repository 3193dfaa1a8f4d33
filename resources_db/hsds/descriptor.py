"""The official HSDS 3.0.0 descriptor (datapackage.json beside this file) and what Harbor takes from it.

The descriptor is the spec's own, vendored unchanged (see README.md here). It names the 21
tables, their files and their columns in order. Harbor keeps 11 of the tables (TABLES in
resources_db.models); an export describes exactly those, with the official fields first and
Harbor's extensions after them.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from resources_db.hsds.values import descriptor_type
from resources_db.models import HARBOR_FIELDS, TABLES

DESCRIPTOR_FILE = Path(__file__).with_name("datapackage.json")
EXPORT_NAME = "harbor-resource-directory"
# The spec's example calls the address file addresses.csv; its descriptor says addresss.csv.
_ALSO_CALLED = {"address": ("addresses.csv",)}
# The descriptor's own examples that its types refuse ("20:20" is no Table Schema `time`, which
# wants HH:MM:SS): frictionless rejects a descriptor holding them, so an export leaves them out.
_INVALID_EXAMPLES = {("schedule", "opens_at"), ("schedule", "closes_at")}


@lru_cache(maxsize=1)
def official() -> dict[str, Any]:
    return json.loads(DESCRIPTOR_FILE.read_text(encoding="utf-8"))


def official_resource(table: str) -> dict[str, Any]:
    return next(resource for resource in official()["resources"] if resource["name"] == table)


def official_tables() -> list[str]:
    return [resource["name"] for resource in official()["resources"]]


def official_fields(table: str) -> list[str]:
    return [field["name"] for field in official_resource(table)["schema"]["fields"]]


def export_fields(table: str) -> list[str]:
    """The columns Harbor writes for a table: every official one in order, then Harbor's own."""
    return official_fields(table) + list(HARBOR_FIELDS[table])


def file_names(table: str) -> list[str]:
    """Where a table may be found, most official first: the descriptor's path, other plurals in
    use, then the singular name Harbor's exports used before HSDS 3.0 file names."""
    names = [official_resource(table)["path"], *_ALSO_CALLED.get(table, ()), f"{table}.csv"]
    return list(dict.fromkeys(names))


def export_descriptor() -> dict[str, Any]:
    """The official descriptor restricted to Harbor's tables, each with its extensions appended.

    Foreign keys into tables Harbor does not write (program, contact, taxonomy) are left out: the
    columns that hold them stay empty, and a validator would otherwise look for the missing files.
    So are the two examples in _INVALID_EXAMPLES. Nothing else of the official text changes.
    """
    package = {key: value for key, value in copy.deepcopy(official()).items() if key != "resources"}
    package["name"] = EXPORT_NAME
    package["title"] = "Harbor resource directory"
    package["description"] = (
        f"Harbor's resource directory as an Open Referral HSDS {package['version']} tabular data package. "
        f"Tables, files and fields are those of the official HSDS "
        f"{package['version']} datapackage.json (CC-BY-SA 4.0), restricted to the tables Harbor keeps; the "
        "fields after the official ones in each table are Harbor's extensions, each described."
    )
    package["resources"] = [_resource(table) for table in official_tables() if table in TABLES]
    return package


def _resource(table: str) -> dict[str, Any]:
    resource = copy.deepcopy(official_resource(table))
    schema = resource["schema"]
    for field in schema["fields"]:
        if (table, field["name"]) in _INVALID_EXAMPLES:
            del field["example"]
    model_columns = {column.name: column for column in TABLES[table].__table__.columns}
    schema["fields"] += [
        {"name": name, "type": descriptor_type(model_columns[name]), "description": description,
         "constraints": {"required": False, "unique": False}}
        for name, description in HARBOR_FIELDS[table].items()
    ]
    keys = [key for key in schema.get("foreignKeys", []) if key["reference"]["resource"] in TABLES]
    if keys:
        schema["foreignKeys"] = keys
    else:
        schema.pop("foreignKeys", None)
    return resource
