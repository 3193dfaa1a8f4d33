"""An export is an HSDS 3.0 package the spec's own validator (frictionless) accepts, in the official shape."""

import copy
import csv
import json
import uuid
from pathlib import Path

import pytest
from frictionless import Package

from harbor.core.db import session_factory
from resources_db.hsds import export_package
from resources_db.hsds.descriptor import official, official_resource
from resources_db.ids import harbor_id
from resources_db.models import HARBOR_FIELDS, TABLES, Schedule


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def add_schedule(url: str) -> None:
    """One schedule, so the timezone and time columns are written too."""
    with session_factory(url)() as session:
        session.add(Schedule(id=harbor_id("schedule", "dreamcatcher-hours"), slug="dreamcatcher-hours",
                             service_id=harbor_id("service", "dreamcatcher-shelter"), freq="WEEKLY",
                             byday="MO,TU", opens_at="09:00:00-08:00", closes_at="17:30:00", timezone=-8.0,
                             timezone_name="America/Los_Angeles",
                             description="Intake, with a \"quoted\" word,\nand a second line"))
        session.commit()


@pytest.fixture
def package(sqlite_url: str, tmp_path: Path) -> Path:
    add_schedule(sqlite_url)
    with session_factory(sqlite_url)() as session:
        export_package(session, tmp_path / "pkg")
    return tmp_path / "pkg"


def test_frictionless_finds_no_error_against_the_official_descriptor(package):
    report = Package(str(package / "datapackage.json")).validate()
    errors = [error.message for error in report.errors]
    errors += [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    assert errors == []
    assert report.valid and len(report.tasks) == len(TABLES)


def test_files_fields_and_their_order_are_the_official_ones_with_harbors_after(package):
    written = json.loads((package / "datapackage.json").read_text())
    assert sorted(resource["name"] for resource in written["resources"]) == sorted(TABLES)
    assert sorted(path.name for path in package.glob("*.csv")) == sorted(r["path"] for r in written["resources"])
    for resource in written["resources"]:
        spec = copy.deepcopy(official_resource(resource["name"]))
        if resource["name"] == "schedule":  # the two examples frictionless refuses; nothing else differs
            for field in spec["schema"]["fields"]:
                if field["name"] in ("opens_at", "closes_at"):
                    del field["example"]
        fields = resource["schema"]["fields"]
        official_count = len(spec["schema"]["fields"])
        assert {key: value for key, value in resource.items() if key != "schema"} == \
            {key: value for key, value in spec.items() if key != "schema"}
        assert resource["schema"]["primaryKey"] == spec["schema"]["primaryKey"]
        assert fields[:official_count] == spec["schema"]["fields"]
        extras = fields[official_count:]
        assert [field["name"] for field in extras] == list(HARBOR_FIELDS[resource["name"]])
        assert all(field["description"].startswith("Harbor extension: ") for field in extras)
        keys = resource["schema"].get("foreignKeys", [])
        assert all(key in spec["schema"]["foreignKeys"] for key in keys)
        assert all(key["reference"]["resource"] not in TABLES for key in spec["schema"].get("foreignKeys", [])
                   if key not in keys)
        with (package / resource["path"]).open(newline="", encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == [field["name"] for field in fields]
    assert written["version"] == official()["version"] == "3.0.0"


def test_ids_are_uuids_made_from_the_slugs_and_references_follow(package):
    services = rows(package / "services.csv")
    assert all(uuid.UUID(row["id"]) and row["slug"] for row in services)
    cast = next(row for row in services if row["slug"] == "cast-residential")
    assert cast["id"] == harbor_id("service", "cast-residential")
    assert cast["organization_id"] == harbor_id("organization", "cast")
    link = next(row for row in rows(package / "service_at_location.csv") if row["slug"] == "cast-residential--at")
    assert link["service_id"] == cast["id"]
    assert link["location_id"] == harbor_id("location", "cast-residential--location")


def test_urls_are_full_and_assured_date_takes_the_place_of_last_verified(package):
    services = rows(package / "services.csv")
    urls = [row["url"] for row in services if row["url"]]
    urls += [row["website"] for row in rows(package / "organizations.csv") if row["website"]]
    assert len(urls) > 40 and all(url.startswith(("https://", "http://")) for url in urls)
    cast = next(row for row in services if row["slug"] == "cast-residential")
    assert cast["url"] == "https://www.castla.org" and cast["assured_date"] == "2014-01-17"
    assert "last_verified" not in cast


def test_a_schedule_says_its_utc_offset_in_timezone_and_keeps_the_zone_name_beside_it(package):
    (schedule,) = rows(package / "schedules.csv")
    assert schedule["timezone"] == "-8.0" and schedule["timezone_name"] == "America/Los_Angeles"
    assert (schedule["opens_at"], schedule["closes_at"]) == ("09:00:00-08:00", "17:30:00")
