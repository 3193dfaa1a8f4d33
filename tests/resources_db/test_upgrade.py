"""A database Harbor filled before HSDS 3.0 ids is moved to today's tables by the explicit step every
`harbor resources` command (and so `harbor up`) takes first."""

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import Column, MetaData, Table, Text, create_engine, func, select

from harbor.core import schema
from harbor.core.db import bare_engine, session_factory
from resources_db.ids import harbor_id
from resources_db.models import TABLES, Schedule, Service
from resources_db.seed import load_seed
from resources_db.upgrade import ensure_current

OLD_EXPORT = Path(__file__).parent / "old_export"


def old_database(path: Path) -> str:
    """The old tables (slug ids, last_verified, an IANA timezone), filled with what they held."""
    url = f"sqlite:///{path}"
    engine = create_engine(url, future=True)
    metadata = MetaData()
    contents = {}
    for table in TABLES:
        with (OLD_EXPORT / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            columns = [Column(name, Text, primary_key=name == "id") for name in reader.fieldnames or []]
            contents[Table(table, metadata, *columns)] = [{k: v or None for k, v in row.items()} for row in reader]
    metadata.create_all(engine)
    with engine.begin() as connection:
        for table, rows in contents.items():
            if rows:
                connection.execute(table.insert(), rows)
    engine.dispose()
    return url


def test_an_old_directory_gets_uuid_ids_and_keeps_every_row(tmp_path, monkeypatch):
    monkeypatch.setenv("HARBOR_VAR_DIR", str(tmp_path / "var"))
    url = old_database(tmp_path / "old.db")
    backup_kept = ensure_current(bare_engine(url), tmp_path / "var")
    with bare_engine(url).connect() as connection:  # moved, then migrated: at the newest revision
        assert schema.current(connection) == schema.head()
    with session_factory(url)() as session:
        counts = {name: session.scalar(select(func.count()).select_from(model)) for name, model in TABLES.items()}
        service = session.get(Service, harbor_id("service", "cast-residential"))
        assert service.slug == "cast-residential" and service.assured_date == date(2014, 1, 17)
        assert service.url == "https://www.castla.org"
        assert session.get(Schedule, harbor_id("schedule", "dreamcatcher-hours")).timezone_name == "America/Los_Angeles"
        load_seed(session)  # the seed lands on the same rows
        session.commit()
        assert {name: session.scalar(select(func.count()).select_from(model))
                for name, model in TABLES.items()} == counts
    assert counts["service"] == 43 and counts["schedule"] == 1
    (backup,) = (tmp_path / "var").glob("directory-before-hsds-ids-*")
    assert (backup / "service.csv").exists()
    assert backup == backup_kept and ensure_current(bare_engine(url), tmp_path / "var") is None  # once only


def test_harbor_up_says_where_the_old_rows_are_kept(tmp_path, monkeypatch):
    from harbor.cli.up import load_seed_directory

    monkeypatch.setenv("HARBOR_VAR_DIR", str(tmp_path / "var"))
    said = load_seed_directory(old_database(tmp_path / "old.db"))
    (backup,) = (tmp_path / "var").glob("directory-before-hsds-ids-*")
    assert said == ("resource directory: 43 seed services loaded (28 with a city); the resource directory now "
                    f"has HSDS 3.0 ids; its old rows are kept in {backup}")
