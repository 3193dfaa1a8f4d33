"""Import reads any HSDS 3.0 package and Harbor's older exports, checks every row, writes all or nothing."""

import csv
import filecmp
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from harbor.core.db import session_factory
from resources_db.hsds import ImportFailed, export_package, import_package
from resources_db.ids import harbor_id
from resources_db.models import HARBOR_FIELDS, TABLES, Location, Phone, Schedule, Service
from tests.resources_db.conftest import seeded_url
from tests.resources_db.test_hsds_export import add_schedule

HERE = Path(__file__).parent
EXAMPLE = HERE / "hsds_example"  # the spec's own example package (see its README)
OLD_EXPORT = HERE / "old_export"  # what `harbor resources export` wrote before HSDS 3.0 conformance
TODAY = date(2026, 11, 26)


def _export(url: str, directory: Path) -> dict[str, int]:
    with session_factory(url)() as session:
        return export_package(session, directory)


def _import(url: str, directory: Path):
    with session_factory(url)() as session:
        report = import_package(session, directory, today=TODAY)
        session.commit()
        return report


def _counts(url: str) -> dict[str, int]:
    with session_factory(url)() as session:
        return {name: session.scalar(select(func.count()).select_from(model)) for name, model in TABLES.items()}


def _contents(url: str) -> dict[str, dict[str, dict]]:
    """Every column of every row, by table and id."""
    with session_factory(url)() as session:
        return {name: {row.id: {column.name: getattr(row, column.name) for column in model.__table__.columns}
                       for row in session.scalars(select(model))} for name, model in TABLES.items()}


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    url = seeded_url(f"sqlite:///{tmp_path / 'empty.db'}")
    with session_factory(url)() as session:
        for model in reversed(list(TABLES.values())):
            session.query(model).delete()
        session.commit()
    return url


def _edit(path: Path, slug: str, **changes: str) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["slug"] == slug:
            row.update(changes)
    _write(path, rows, list(rows[0]))


def _write(path: Path, rows: list[dict], fields: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def test_the_specs_example_package_imports(empty_url):
    report = _import(empty_url, EXAMPLE)
    assert report.package == "human_services_data"
    assert report.rows == {table: 1 for table in TABLES}
    skipped = [warning for warning in report.warnings if "skipped (Harbor does not keep" in warning]
    assert len(skipped) == 10 and any(w.startswith("programs.csv: skipped") for w in skipped)
    with session_factory(empty_url)() as session:
        service = session.get(Service, "ac148810-d857-441c-9679-408f346de14b")
        assert service.name == "Community Counselling" and service.slug is None
        assert service.source == "imported from human_services_data on 2026-11-26"
        assert service.assured_date == date(2005, 1, 1) and service.minimum_age == 12
        assert session.scalar(select(Phone.number)) == "+44 1234 234567"
        schedule = session.scalar(select(Schedule))
        assert (schedule.timezone, schedule.timezone_name, schedule.opens_at) == (3.0, None, "10:00:00")


def test_a_broken_reference_fails_the_whole_package_and_its_warnings_still_come_back(empty_url, tmp_path):
    package = tmp_path / "example"
    shutil.copytree(EXAMPLE, package)
    link = package / "service_at_location.csv"
    link.write_text(link.read_text().replace("ac148810-d857-441c-9679-408f346de14b",
                                             "ab231982-2106-4a55-80fc-b305560c5556"))
    with pytest.raises(ImportFailed) as failure:
        _import(empty_url, package)
    assert [str(problem) for problem in failure.value.problems] == [
        "service_at_location.csv:2: service_id: no service with id 'ab231982-2106-4a55-80fc-b305560c5556'"]
    assert any(w.startswith("programs.csv: skipped") for w in failure.value.warnings)
    assert sum(_counts(empty_url).values()) == 0


def test_export_then_import_into_an_empty_database_is_lossless(sqlite_url, empty_url, tmp_path):
    add_schedule(sqlite_url)
    first, second = tmp_path / "first", tmp_path / "second"
    counts = _export(sqlite_url, first)
    assert counts["service"] == 43
    report = _import(empty_url, first)
    assert report.warnings == []
    _export(empty_url, second)
    for path in first.iterdir():
        assert filecmp.cmp(path, second / path.name, shallow=False), path.name
    assert _contents(empty_url) == _contents(sqlite_url)


def test_a_round_trip_through_an_emptied_database_on_sqlite_and_postgresql(any_url, tmp_path):
    add_schedule(any_url)
    before = _contents(any_url)
    _export(any_url, tmp_path / "first")
    with session_factory(any_url)() as session:
        for model in reversed(TABLES.values()):
            session.query(model).delete()
        session.commit()
    _import(any_url, tmp_path / "first")
    _export(any_url, tmp_path / "second")
    assert _contents(any_url) == before
    for path in (tmp_path / "first").iterdir():
        assert filecmp.cmp(path, tmp_path / "second" / path.name, shallow=False), path.name


def test_an_export_from_before_hsds_3_conformance_lands_on_the_rows_it_came_from(sqlite_url, empty_url, tmp_path):
    before = _counts(sqlite_url)
    report = _import(sqlite_url, OLD_EXPORT)  # singular file names, slug ids, last_verified, an IANA timezone
    assert any("web addresses without a scheme read as https://" in w for w in report.warnings)
    assert _counts(sqlite_url) == {**before, "schedule": 1}
    _import(empty_url, OLD_EXPORT)
    assert _contents(empty_url) == _contents(sqlite_url)
    with session_factory(empty_url)() as session:
        schedule = session.get(Schedule, harbor_id("schedule", "dreamcatcher-hours"))
        assert (schedule.timezone, schedule.timezone_name, schedule.opens_at) == (-8.0, "America/Los_Angeles",
                                                                                  "09:00:00")
        assert session.get(Service, harbor_id("service", "cast-residential")).assured_date == date(2014, 1, 17)


def test_harbors_own_columns_are_optional(empty_url, sqlite_url, tmp_path):
    package = tmp_path / "pkg"
    _export(sqlite_url, package)
    extras = {name for fields in HARBOR_FIELDS.values() for name in fields}
    for path in package.glob("*.csv"):  # leave only the official columns
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            fields = [name for name in reader.fieldnames or [] if name not in extras]
            rows = list(reader)
        _write(path, rows, fields)
    report = _import(empty_url, package)
    assert report.rows["service"] == 43
    with session_factory(empty_url)() as session:
        sources = set(session.scalars(select(Service.source)))
        assert sources == {"imported from harbor-resource-directory on 2026-11-26"}
        assert session.scalar(select(func.count()).where(Service.confidential_location.is_(True))) == 0


def test_a_bad_package_is_reported_by_file_line_column_and_reason_and_changes_nothing(sqlite_url, tmp_path):
    package = tmp_path / "pkg"
    _export(sqlite_url, package)
    _edit(package / "services.csv", "cast-residential", minimum_age="ten", status="open", url="not a url")
    _edit(package / "locations.csv", "sage-services--location", latitude="123.4")
    _edit(package / "organizations.csv", "sage", name="SAGE renamed")  # a good change in a bad package
    before = _counts(sqlite_url)
    with pytest.raises(ImportFailed) as failure:
        _import(sqlite_url, package)
    reasons = [str(problem) for problem in failure.value.problems]
    line = next(r for r in reasons if "minimum_age" in r).split(":")[1]
    assert f"services.csv:{line}: minimum_age: not a whole number: 'ten'" in reasons
    assert f"services.csv:{line}: status: 'open' is not one of active, inactive, defunct, temporarily closed" in reasons
    assert f"services.csv:{line}: url: not a web address: 'not a url'" in reasons
    assert any(r.startswith("locations.csv:") and ": latitude: 123.4 is not between -90 and 90" in r for r in reasons)
    row = (package / "services.csv").read_text().splitlines()[int(line) - 1]
    assert row.startswith(harbor_id("service", "cast-residential") + ",")
    assert _counts(sqlite_url) == before
    with session_factory(sqlite_url)() as session:
        assert session.get(TABLES["organization"], harbor_id("organization", "sage")).name.startswith("Standing")


def test_missing_required_values_and_broken_references_are_reported(sqlite_url, tmp_path):
    package = tmp_path / "pkg"
    _export(sqlite_url, package)
    _edit(package / "services.csv", "cast-residential", name="", organization_id="nobody")
    with pytest.raises(ImportFailed) as failure:
        _import(sqlite_url, package)
    text = str(failure.value)
    assert ": name: required" in text
    assert f": organization_id: no organization with id '{harbor_id('organization', 'nobody')}'" in text


def test_a_confidential_service_may_not_be_given_a_location(sqlite_url, tmp_path):
    package = tmp_path / "pkg"
    _export(sqlite_url, package)
    with (package / "service_at_location.csv").open("a", newline="") as handle:
        csv.writer(handle).writerow(["leak", harbor_id("service", "courage-house-norcal"),
                                     harbor_id("location", "sage-services--location"), "", "leak"])
    with pytest.raises(ImportFailed, match=r"service_at_location.csv:\d+: service_id: .* is confidential_location"):
        _import(sqlite_url, package)


def test_tables_and_columns_harbor_does_not_keep_are_skipped_with_a_warning(sqlite_url, tmp_path):
    package = tmp_path / "pkg"
    _export(sqlite_url, package)
    (package / "programs.csv").write_text("id,organization_id,name,alternate_name,description\n")
    (package / "notes.csv").write_text("id,text\n1,hello\n")
    _edit(package / "organizations.csv", "sage", legal_status="non-profit")
    report = _import(sqlite_url, package)
    assert "programs.csv: skipped (Harbor does not keep the HSDS table program)" in report.warnings
    assert "notes.csv: skipped (not an HSDS 3.0 table)" in report.warnings
    assert "organizations.csv: ignored columns legal_status (Harbor does not keep them)" in report.warnings


def test_a_table_in_two_files_is_refused(sqlite_url, tmp_path):
    package = tmp_path / "pkg"
    _export(sqlite_url, package)
    shutil.copy(package / "services.csv", package / "service.csv")
    with pytest.raises(ImportFailed, match=r"service\.csv:1: -: table service is also in services\.csv"):
        _import(sqlite_url, package)


def test_a_directory_without_hsds_tables_is_refused(tmp_path, sqlite_url):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(FileNotFoundError, match="none of the HSDS tables"):
        _import(sqlite_url, tmp_path)


def test_reimporting_updates_rows_by_id(sqlite_url, tmp_path):
    package = tmp_path / "pkg"
    _export(sqlite_url, package)
    _edit(package / "services.csv", "cast-residential", alert="Full until March")
    _import(sqlite_url, package)
    with session_factory(sqlite_url)() as session:
        assert session.get(Service, harbor_id("service", "cast-residential")).alert == "Full until March"
        assert session.scalar(select(func.count()).select_from(Service)) == 43
        assert session.scalar(select(func.count()).select_from(Location)) == 28


def test_the_packages_own_datapackage_json_says_where_a_table_is_but_never_outside_it(empty_url, tmp_path):
    package = tmp_path / "example"
    shutil.copytree(EXAMPLE, package)  # links followed: datapackage.json is a copy here
    (package / "services.csv").rename(package / "our_services.csv")
    descriptor = json.loads((package / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        resource["path"] = {"service": "our_services.csv", "organization": "../organizations.csv"}.get(
            resource["name"], resource["path"])
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    report = _import(empty_url, package)
    assert report.rows["service"] == 1 and report.rows["organization"] == 1


def test_a_timezone_must_be_a_utc_offset_or_a_zone_name(empty_url, tmp_path):
    package = tmp_path / "example"
    shutil.copytree(EXAMPLE, package)
    schedules = package / "schedules.csv"
    schedules.write_text(schedules.read_text().replace(",2005-01-01,3,2005-01-01,", ",2005-01-01,Mars/Base,2005-01-01,",
                                                       1))
    with pytest.raises(ImportFailed, match=r"schedules\.csv:2: timezone: not a UTC offset or a time zone name"):
        _import(empty_url, package)
    schedules.write_text(schedules.read_text().replace(",Mars/Base,", ",Europe/London,"))
    _import(empty_url, package)
    with session_factory(empty_url)() as session:
        schedule = session.scalar(select(Schedule))
        assert (schedule.timezone, schedule.timezone_name) == (0.0, "Europe/London")
