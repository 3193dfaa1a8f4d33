"""Cells to values: what export writes for frictionless, and the looser forms import still reads."""

from datetime import datetime, timezone

import pytest

from resources_db.hsds.values import BareHost, canonical_time, full_url, standard_offset


def test_a_bare_host_is_read_as_https_and_a_url_stays_as_it_is():
    with pytest.raises(BareHost, match=r"https://www\.sfaws\.org"):
        full_url("www.sfaws.org")
    assert full_url("http://courageworldwide.org/couragehouse/") == "http://courageworldwide.org/couragehouse/"
    with pytest.raises(ValueError, match="not a web address"):
        full_url("call us")


@pytest.mark.parametrize("raw, stored", [
    ("09:00", "09:00:00"), ("9:00", None), ("09:00-08:00", "09:00:00-08:00"), ("09:00-0800", "09:00:00-08:00"),
    ("17:30:00Z", "17:30:00Z"), ("18:00+05:30", "18:00:00+05:30"), ("25:00", None),
])
def test_times_are_stored_as_hh_mm_ss_with_their_offset(raw, stored):
    if stored is None:
        with pytest.raises(ValueError):
            canonical_time(raw)
    else:
        assert canonical_time(raw) == stored


def test_a_zone_name_gives_its_standard_offset_also_in_summer():
    july = datetime(2026, 7, 1, tzinfo=timezone.utc)
    assert standard_offset("America/Los_Angeles", july) == -8.0
    assert standard_offset("Asia/Kolkata", july) == 5.5
    with pytest.raises(ValueError, match="not a UTC offset or a time zone name"):
        standard_offset("Mars/Olympus_Mons")
