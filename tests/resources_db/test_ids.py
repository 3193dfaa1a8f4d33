"""Directory ids are UUIDs fixed by Harbor's slugs: every machine and every re-seed gives the same ones."""

import uuid

from sqlalchemy import select

from resources_db.ids import harbor_id, is_uuid
from resources_db.models import TABLES
from resources_db.seed import load_seed, seed_rows


def test_a_slug_always_gives_the_same_uuid():
    # Pinned: a change of namespace or recipe would give every seeded row a new id.
    assert harbor_id("service", "cast-residential") == "cbb94442-7a68-5e4a-b612-270c89d8a21a"
    assert harbor_id("service", "cast") != harbor_id("organization", "cast")


def test_every_seed_row_has_a_uuid_and_keeps_its_slug():
    rows = seed_rows()
    assert all(is_uuid(row.id) and row.id == harbor_id(row.__tablename__, row.slug) for row in rows)
    assert len({(row.__tablename__, row.id) for row in rows}) == len(rows)


def test_a_reseed_keeps_every_id(session):
    before = {name: set(session.scalars(select(model.id))) for name, model in TABLES.items()}
    load_seed(session)
    session.commit()
    assert {name: set(session.scalars(select(model.id))) for name, model in TABLES.items()} == before


def test_is_uuid_takes_only_the_canonical_form():
    value = str(uuid.uuid4())
    assert is_uuid(value) and is_uuid(value.upper())
    assert not any(is_uuid(text) for text in ("cast-residential", value.replace("-", ""), "{" + value + "}", ""))
