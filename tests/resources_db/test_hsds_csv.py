import csv
import filecmp
from pathlib import Path

import pytest
from sqlalchemy import func, select

from harbor.core.db import session_factory
from resources_db.hsds_csv import ImportFailed, export_package, import_package
from resources_db.models import TABLES, Schedule, Service
from tests.resources_db.conftest import seeded_url


def _export(url: str, directory: Path) -> dict[str, int]:
    with session_factory(url)() as session:
        return export_package(session, directory)


def _import(url: str, directory: Path):
    with session_factory(url)() as session:
        report = import_package(session, directory)
        session.commit()
        return report


def _counts(url: str) -> dict[str, int]:
    with session_factory(url)() as session:
        return {name: session.scalar(select(func.count()).select_from(model)) for name, model in TABLES.items()}


def _edit(path: Path, row_id: str, **changes: str) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    for row in rows:
        if row["id"] == row_id:
            row.update(changes)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_export_then_import_into_an_empty_database_is_lossless(sqlite_url, tmp_path):
    with session_factory(sqlite_url)() as session:  # one schedule so every kind of column is exercised
        session.add(Schedule(id="s1", service_id="dreamcatcher-shelter", freq="WEEKLY", byday="MO,TU",
                             opens_at="09:00-08:00", closes_at="17:30", timezone="America/Los_Angeles",
                             description="Intake, with a \"quoted\" word,\nand a second line"))
        session.commit()
    first = tmp_path / "first"
    counts = _export(sqlite_url, first)
    assert counts["service"] == 43 and (first / "datapackage.json").exists()
    empty = seeded_url(f"sqlite:///{tmp_path / 'other.db'}")
    with session_factory(empty)() as session:  # start from nothing at all
        for model in reversed(list(TABLES.values())):
            session.query(model).delete()
        session.commit()
    _import(empty, first)
    second = tmp_path / "second"
    _export(empty, second)
    for name in [f"{table}.csv" for table in TABLES] + ["datapackage.json"]:
        assert filecmp.cmp(first / name, second / name, shallow=False), name
    assert _counts(empty) == _counts(sqlite_url)


def test_a_bad_package_is_reported_by_file_line_and_reason_and_changes_nothing(sqlite_url, tmp_path):
    package = tmp_path / "pkg"
    _export(sqlite_url, package)
    _edit(package / "service.csv", "cast-residential", minimum_age="ten", status="open")
    _edit(package / "location.csv", "sage-services--location", latitude="123.4")
    _edit(package / "organization.csv", "sage", name="SAGE renamed")  # a good change in a bad package
    before = _counts(sqlite_url)
    with pytest.raises(ImportFailed) as failure:
        _import(sqlite_url, package)
    reasons = [str(problem) for problem in failure.value.problems]
    assert any(r.startswith("service.csv:") and "minimum_age: not a whole number: 'ten'" in r for r in reasons)
    assert any("status: 'open' is not one of" in r for r in reasons)
    assert any(r.startswith("location.csv:") and "latitude" in r for r in reasons)
    line = int(next(r for r in reasons if "minimum_age" in r).split(":")[1])
    assert (package / "service.csv").read_text().splitlines()[line - 1].startswith("cast-residential,")
    assert _counts(sqlite_url) == before
    with session_factory(sqlite_url)() as session:
        assert session.get(TABLES["organization"], "sage").name.startswith("Standing Against")


def test_missing_required_values_and_broken_references_are_reported(sqlite_url, tmp_path):
    package = tmp_path / "pkg"
    _export(sqlite_url, package)
    _edit(package / "service.csv", "cast-residential", name="", source="", organization_id="nobody")
    with pytest.raises(ImportFailed) as failure:
        _import(sqlite_url, package)
    text = str(failure.value)
    assert "name: required" in text and "source: required" in text
    assert "organization_id: no organization with id 'nobody'" in text


def test_a_confidential_service_may_not_be_given_a_location(sqlite_url, tmp_path):
    package = tmp_path / "pkg"
    _export(sqlite_url, package)
    with (package / "service_at_location.csv").open("a", newline="") as handle:
        csv.writer(handle).writerow(["leak", "courage-house-norcal", "sage-services--location", ""])
    with pytest.raises(ImportFailed, match="confidential_location"):
        _import(sqlite_url, package)


def test_other_hsds_tables_and_columns_are_skipped_with_a_warning(sqlite_url, tmp_path):
    package = tmp_path / "pkg"
    _export(sqlite_url, package)
    (package / "program.csv").write_text("id,name\np1,A program\n")
    text = (package / "organization.csv").read_text().splitlines()
    text = [text[0] + ",tax_id"] + [line + ",123" for line in text[1:]]
    (package / "organization.csv").write_text("\n".join(text) + "\n")
    report = _import(sqlite_url, package)
    assert any("program.csv: skipped" in w for w in report.warnings)
    assert any("ignored columns tax_id" in w for w in report.warnings)


def test_a_directory_without_hsds_tables_is_refused(tmp_path, sqlite_url):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(FileNotFoundError, match="none of the HSDS tables"):
        _import(sqlite_url, tmp_path)


def test_reimporting_updates_rows_by_id(sqlite_url, tmp_path):
    package = tmp_path / "pkg"
    _export(sqlite_url, package)
    _edit(package / "service.csv", "cast-residential", alert="Full until March")
    _import(sqlite_url, package)
    with session_factory(sqlite_url)() as session:
        assert session.get(Service, "cast-residential").alert == "Full until March"
        assert session.scalar(select(func.count()).select_from(Service)) == 43
