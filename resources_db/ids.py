"""Directory ids: HSDS 3.0 wants UUIDs; Harbor's seed names its rows with readable slugs.

A slug becomes a UUID 5 in Harbor's own namespace, so the same slug gives the same id on every
machine and every re-seed, and an old export (slug ids) lands on the rows it came from. The
table is part of the name: two tables may use the same slug without sharing an id.
"""

from __future__ import annotations

import uuid

# Fixed for good: changing it would give every seeded row a new id.
HARBOR_NAMESPACE = uuid.UUID("10e3d3fd-afad-452e-b361-2f0812932600")


def harbor_id(table: str, slug: str) -> str:
    return str(uuid.uuid5(HARBOR_NAMESPACE, f"{table}/{slug}"))


def is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False
