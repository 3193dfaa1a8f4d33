"""Load resources_db/seed/california.yml (the programs the seed document names) into the directory.

Loading is idempotent: rows are merged by id, so `harbor up` can run it every start and an
admin's own imported rows are left alone. The file names rows by slug; each row's id is the
UUID 5 of its slug (resources_db/ids.py), so a re-seed keeps every id, and the slug stays in
the row. Websites the seed prints without a scheme (www.example.org) are stored as https URLs,
as HSDS asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from harbor.core.settings import PROJECT_ROOT
from resources_db.categories import BY_CODE, CATEGORIES, OPEN_ELIGIBILITY, TAXONOMY
from resources_db.hsds.values import BareHost, full_url
from resources_db.ids import harbor_id
from resources_db.models import (
    Attribute,
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from resources_db.places import HOME_STATE, resolve

SEED_FILE = Path(__file__).with_name("seed") / "california.yml"
CRISIS_LINES_FILE = PROJECT_ROOT / "bot" / "crisis_lines.yml"


@dataclass(frozen=True)
class SeedSummary:
    organizations: int
    services: int
    located: int
    statewide: int
    national: int
    confidential: int


def taxonomy_rows() -> list[TaxonomyTerm]:
    return [
        _row(TaxonomyTerm, category.term_slug, code=category.code, name=category.label,
             description=category.description, taxonomy=TAXONOMY, language="en", term_uri=None)
        for category in CATEGORIES
    ] + [
        _row(TaxonomyTerm, f"{category.term_slug}-oe", code=None, name=category.open_eligibility,
             description=f"Open Eligibility term that {category.label!r} maps to.",
             parent_id=None, taxonomy=OPEN_ELIGIBILITY, language="en")
        for category in CATEGORIES if category.open_eligibility
    ]


def _url(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return full_url(text)
    except BareHost as https:
        return str(https)


def _crisis_lines() -> dict[str, dict[str, str]]:
    return yaml.safe_load(CRISIS_LINES_FILE.read_text())["crisis_lines"]


def seed_rows(path: Path = SEED_FILE) -> list[Any]:
    """Every row the seed file describes, parents before children."""
    data = yaml.safe_load(path.read_text())
    document_date: date = data["document_date"]
    lines = _crisis_lines()
    rows: list[Any] = taxonomy_rows()
    for org in data["organizations"]:
        rows.append(_row(Organization, org["id"], name=org["name"], description=org["description"],
                         website=_url(org.get("website"))))
        for item in org["services"]:
            rows.extend(_service_rows(org, item, document_date, lines))
    return rows


def _service_rows(org: dict, item: dict, document_date: date, lines: dict) -> list[Any]:
    slug = item["id"]
    service_id = harbor_id("service", slug)
    unknown = [code for code in item["categories"] if code not in BY_CODE]
    if unknown:
        raise ValueError(f"{slug}: unknown categories {unknown}")
    genders = item.get("genders")
    rows: list[Any] = [Service(
        id=service_id, slug=slug, organization_id=harbor_id("organization", org["id"]), name=item["name"],
        description=item["description"], url=_url(item.get("url") or org.get("website")), status="active",
        eligibility_description=item.get("eligibility"),
        minimum_age=item.get("min_age"), maximum_age=item.get("max_age"),
        confidential_location=bool(item.get("confidential", False)),
        genders=",".join(genders) if genders else None,
        lgbtq_affirming=item.get("lgbtq_affirming"),
        accepts_minors_without_guardian=item.get("accepts_minors_without_guardian"),
        open_24_7=bool(item.get("open_24_7", False)),
        assured_date=item.get("assured_date", document_date),
        source=item["source"],
    )]
    for code in item["categories"]:
        rows.append(_row(Attribute, f"{slug}--{code}", link_id=service_id, link_entity="service",
                         taxonomy_term_id=BY_CODE[code].term_id, link_type="category"))
    if item.get("crisis_line"):
        line = lines[item["crisis_line"]]
        rows.append(_row(Phone, f"{slug}--voice", service_id=service_id, number=line["call"], type="voice",
                         description=f"Call, {line['when']}"))
        if line.get("text"):
            rows.append(_row(Phone, f"{slug}--text", service_id=service_id, number=line["text"], type="text",
                             description="Text"))
    if item.get("city") and not item.get("confidential"):
        place = resolve(f"{item['city']}, {HOME_STATE}")
        location = _row(Location, f"{slug}--location", location_type="physical",
                        organization_id=harbor_id("organization", org["id"]), name=item["name"],
                        latitude=round(place.latitude, 5), longitude=round(place.longitude, 5), city=item["city"],
                        state_province=HOME_STATE, coordinates_precision="city",
                        description="City only: the seed gives no street address.")
        rows += [location, _row(ServiceAtLocation, f"{slug}--at", service_id=service_id, location_id=location.id)]
    else:
        extent = item.get("area", f"US-{HOME_STATE}")
        name = item.get("area_name") or ("United States" if extent == "US" else "California")
        rows.append(_row(ServiceArea, f"{slug}--area", service_id=service_id, name=name, extent=extent,
                         extent_type="text"))
    return rows


def _row(model: Any, slug: str, **values: Any) -> Any:
    return model(id=harbor_id(model.__tablename__, slug), slug=slug, **values)


def load_seed(session: Session, path: Path = SEED_FILE) -> SeedSummary:
    rows = seed_rows(path)
    for row in rows:
        session.merge(row)
    services = [row for row in rows if isinstance(row, Service)]
    areas = [row for row in rows if isinstance(row, ServiceArea)]
    return SeedSummary(
        organizations=sum(isinstance(row, Organization) for row in rows),
        services=len(services),
        located=sum(isinstance(row, ServiceAtLocation) for row in rows),
        statewide=sum(area.extent != "US" for area in areas),
        national=sum(area.extent == "US" for area in areas),
        confidential=sum(bool(service.confidential_location) for service in services),
    )
