"""The on-call roster: advocates, their shifts (primary, backup) and supervisors.

Roster file format (YAML), loaded with `harbor oncall load FILE`:

    advocates:
      - name: Dana Reyes
        phone: "<her mobile number>"    # any format phonenumbers can parse; stored as E.164
        timezone: America/Los_Angeles
        role: supervisor                # advocate (default) or supervisor
      - name: Sam Ortiz
        phone: "<his mobile number>"
        supervisor: Dana Reyes
    shifts:
      - advocate: Sam Ortiz
        role: primary                   # primary or backup
        starts: 2026-11-25T08:00:00Z
        ends: 2026-11-25T20:00:00Z
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.models import ADVOCATE, BACKUP, PRIMARY, SUPERVISOR, Advocate, Shift

DEFAULT_REGION = "US"


class RosterError(ValueError):
    """Bad roster input; the message says what to fix."""


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    try:
        number = phonenumbers.parse(str(raw), region)
    except phonenumbers.NumberParseException as error:
        raise RosterError(f"not a phone number: {raw!r} ({error})") from None
    if not phonenumbers.is_possible_number(number):
        raise RosterError(f"not a possible phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RosterError(
            f"unknown time zone: {name!r} (use an IANA name like America/Los_Angeles)"
        ) from None
    return name


def utc_naive(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def parse_time(raw: str | datetime) -> datetime:
    if isinstance(raw, datetime):
        return utc_naive(raw)
    try:
        return utc_naive(datetime.fromisoformat(str(raw).replace("Z", "+00:00")))
    except ValueError:
        raise RosterError(f"not an ISO date-time: {raw!r} (like 2026-11-25T08:00:00Z)") from None


def find(session: Session, name: str) -> Advocate:
    advocate = session.scalar(select(Advocate).where(Advocate.name == name))
    if advocate is None:
        raise RosterError(f"no advocate named {name!r} on the roster")
    return advocate


def add_advocate(session: Session, name: str, phone: str, tz: str = "America/Los_Angeles",
                 role: str = ADVOCATE, supervisor: str | None = None) -> Advocate:
    if not name.strip():
        raise RosterError("an advocate needs a name")
    if role not in (ADVOCATE, SUPERVISOR):
        raise RosterError(f"role must be {ADVOCATE} or {SUPERVISOR}, not {role!r}")
    e164 = normalise_phone(phone)
    if session.scalar(select(Advocate).where(Advocate.name == name)):
        raise RosterError(f"{name!r} is already on the roster")
    if session.scalar(select(Advocate).where(Advocate.phone == e164)):
        raise RosterError(f"{e164} already belongs to someone on the roster")
    advocate = Advocate(name=name.strip(), phone=e164, timezone=_check_timezone(tz), role=role,
                        supervisor=find(session, supervisor) if supervisor else None)
    session.add(advocate)
    session.flush()
    return advocate


def set_shift(session: Session, name: str, role: str, starts: datetime, ends: datetime) -> Shift:
    if role not in (PRIMARY, BACKUP):
        raise RosterError(f"shift role must be {PRIMARY} or {BACKUP}, not {role!r}")
    starts, ends = utc_naive(starts), utc_naive(ends)
    if ends <= starts:
        raise RosterError("a shift must end after it starts")
    shift = Shift(advocate=find(session, name), role=role, starts_at=starts, ends_at=ends)
    session.add(shift)
    session.flush()
    return shift


@dataclass
class OnCall:
    primary: Advocate | None
    backup: Advocate | None
    supervisor: Advocate | None


def _on_shift(session: Session, role: str, now: datetime) -> Advocate | None:
    shift = session.scalar(
        select(Shift).join(Advocate)
        .where(Shift.role == role, Shift.starts_at <= now, Shift.ends_at > now, Advocate.active.is_(True))
        .order_by(Shift.starts_at.desc())
    )
    return shift.advocate if shift else None


def who_is_on_call(session: Session, now: datetime) -> OnCall:
    now = utc_naive(now)
    primary = _on_shift(session, PRIMARY, now)
    backup = _on_shift(session, BACKUP, now)
    supervisor = (primary.supervisor if primary and primary.supervisor else None) or (
        backup.supervisor if backup and backup.supervisor else None)
    if supervisor is None:
        supervisor = session.scalar(select(Advocate).where(
            Advocate.role == SUPERVISOR, Advocate.active.is_(True)).order_by(Advocate.id))
    return OnCall(primary, backup, supervisor)


def is_roster_number(session: Session, phone: str) -> Advocate | None:
    try:
        e164 = normalise_phone(phone)
    except RosterError:
        return None
    return session.scalar(select(Advocate).where(Advocate.phone == e164, Advocate.active.is_(True)))


def load_roster(session: Session, text: str) -> tuple[int, int]:
    """Add every advocate and shift in a roster file; all or nothing (the caller's transaction)."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise RosterError(f"roster file is not valid YAML: {error}") from None
    advocates = data.get("advocates") or []
    # Supervisors first, so "supervisor: NAME" can refer to them.
    ordered = sorted(advocates, key=lambda a: 0 if a.get("role") == SUPERVISOR else 1)
    for index, entry in enumerate(ordered, start=1):
        if not isinstance(entry, dict) or "name" not in entry or "phone" not in entry:
            raise RosterError(f"advocate #{index}: needs at least name and phone")
        add_advocate(session, entry["name"], entry["phone"], entry.get("timezone", "America/Los_Angeles"),
                     entry.get("role", ADVOCATE), entry.get("supervisor"))
    shifts = data.get("shifts") or []
    for index, entry in enumerate(shifts, start=1):
        try:
            set_shift(session, entry["advocate"], entry["role"], parse_time(entry["starts"]),
                      parse_time(entry["ends"]))
        except KeyError as missing:
            raise RosterError(f"shift #{index}: missing {missing}") from None
    return len(advocates), len(shifts)
