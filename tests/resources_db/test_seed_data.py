"""The seed directory says only what the seed document says."""

import re

import pytest
import yaml

from harbor.core.settings import PROJECT_ROOT
from resources_db.models import Address, Phone
from resources_db.seed import SEED_FILE, seed_rows

SEED_TEXT = PROJECT_ROOT.parent / "shared" / "seed" / "csec-literature-review.txt"


def _seed_text() -> str:
    if not SEED_TEXT.exists():
        pytest.skip("the seed document sits beside the repo in ../shared")
    return re.sub(r"\s+", " ", SEED_TEXT.read_text())


def test_every_website_appears_in_the_seed_document():
    text = _seed_text()
    data = yaml.safe_load(SEED_FILE.read_text())
    for org in data["organizations"]:
        for url in [org.get("website")] + [s.get("url") for s in org["services"]]:
            if url and "988lifeline" not in url:
                assert url.rstrip("/") in text or url.replace("http://", "").rstrip("/") in text, url


def test_every_city_appears_in_the_seed_document():
    text = _seed_text()
    data = yaml.safe_load(SEED_FILE.read_text())
    for org in data["organizations"]:
        for service in org["services"]:
            if service.get("city"):
                assert service["city"] in text, service["id"]


def test_no_addresses_and_only_vetted_phone_numbers():
    rows = seed_rows()
    assert not [row for row in rows if isinstance(row, Address)]
    assert sorted(row.number for row in rows if isinstance(row, Phone)) == ["1-888-373-7888", "233733", "988", "988"]


def test_the_nine_task_forces_and_the_four_table_1_programs_for_minors_are_there():
    data = yaml.safe_load(SEED_FILE.read_text())
    ids = {org["id"] for org in data["organizations"]}
    assert len([i for i in ids if i.startswith("tf-")]) == 9
    assert {"bscc", "children-of-the-night", "courage-worldwide", "facess"} <= ids
