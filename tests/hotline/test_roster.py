from datetime import datetime, timedelta

import pytest

from hotline import roster
from hotline.roster import RosterError
from tests.hotline.support import BACKUP_PHONE, PRIMARY_PHONE, SUPERVISOR_PHONE, database


def test_phone_numbers_are_stored_as_e164(tmp_path):
    sessions = database(tmp_path, with_roster=False)
    with sessions() as session:
        advocate = roster.add_advocate(session, "Kim", "(415) 555-0123")
        assert advocate.phone == "+14155550123"


@pytest.mark.parametrize("phone", ["not a phone", "12", ""])
def test_bad_phone_numbers_are_refused_with_a_reason(tmp_path, phone):
    sessions = database(tmp_path, with_roster=False)
    with sessions() as session, pytest.raises(RosterError, match="phone number"):
        roster.add_advocate(session, "Kim", phone)


def test_bad_time_zone_and_duplicates_are_refused(tmp_path):
    sessions = database(tmp_path, with_roster=False)
    with sessions() as session:
        with pytest.raises(RosterError, match="time zone"):
            roster.add_advocate(session, "Kim", "+14155550123", tz="Mars/Olympus")
        roster.add_advocate(session, "Kim", "+14155550123")
        with pytest.raises(RosterError, match="already"):
            roster.add_advocate(session, "Kim", "+14155550124")
        with pytest.raises(RosterError, match="already belongs"):
            roster.add_advocate(session, "Lee", "415-555-0123")


def test_who_is_on_call_now(tmp_path):
    now = datetime.utcnow()
    sessions = database(tmp_path, now=now)
    with sessions() as session:
        on_call = roster.who_is_on_call(session, now)
        assert (on_call.primary.phone, on_call.backup.phone, on_call.supervisor.phone) == (
            PRIMARY_PHONE, BACKUP_PHONE, SUPERVISOR_PHONE)
        later = roster.who_is_on_call(session, now + timedelta(hours=9))
        assert later.primary is None and later.backup is None
        assert later.supervisor.phone == SUPERVISOR_PHONE


def test_a_shift_must_end_after_it_starts(tmp_path):
    sessions = database(tmp_path)
    now = datetime.utcnow()
    with sessions() as session, pytest.raises(RosterError, match="end after"):
        roster.set_shift(session, "Sam Primary", "primary", now, now - timedelta(hours=1))


ROSTER = """
advocates:
  - name: Dana Reyes
    phone: "+1 415 555 0100"
    role: supervisor
  - name: Sam Ortiz
    phone: "(415) 555-0101"
    supervisor: Dana Reyes
shifts:
  - advocate: Sam Ortiz
    role: primary
    starts: 2026-11-25T08:00:00Z
    ends: 2026-11-25T20:00:00Z
"""


def test_roster_file_loads(tmp_path):
    sessions = database(tmp_path, with_roster=False)
    with sessions() as session:
        assert roster.load_roster(session, ROSTER) == (2, 1)
        on_call = roster.who_is_on_call(session, datetime(2026, 11, 25, 12, 0))
        assert on_call.primary.name == "Sam Ortiz"
        assert on_call.supervisor.name == "Dana Reyes"


def test_a_bad_roster_file_says_which_entry(tmp_path):
    sessions = database(tmp_path, with_roster=False)
    with sessions() as session, pytest.raises(RosterError, match="shift #1: missing 'role'"):
        roster.load_roster(session, ROSTER.replace("    role: primary\n", ""))
