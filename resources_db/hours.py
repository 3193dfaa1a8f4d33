"""Opening hours: is a service open now, and a short "Mon-Fri 9:00-17:00" for a text message.

Takes Service and Schedule rows, or anything with the same attributes (search reads plain rows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from resources_db.models import WEEKDAYS, Schedule, Service

DEFAULT_TIMEZONE = "America/Los_Angeles"
_TIME = re.compile(r"^(?P<h>[01]\d|2[0-3]):(?P<m>[0-5]\d)(?::[0-5]\d)?(?P<offset>Z|[+-]\d{2}:?\d{2})?$")
_DAY_NAMES = dict(zip(WEEKDAYS, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))


def parse_time(value: str) -> tuple[time, timezone | None]:
    """HSDS opens_at/closes_at: HH:MM, optionally with Z or an offset like -08:00."""
    match = _TIME.match(value.strip())
    if match is None:
        raise ValueError(f"not a time of day (HH:MM): {value!r}")
    offset = match.group("offset")
    zone = None
    if offset == "Z":
        zone = timezone.utc
    elif offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        zone = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return time(int(match.group("h")), int(match.group("m"))), zone


def _zone(schedule: Schedule) -> tzinfo:
    """The IANA zone Harbor keeps beside the hours; else HSDS's UTC offset; else California's."""
    if schedule.timezone_name:
        try:
            return ZoneInfo(schedule.timezone_name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if schedule.timezone is not None and -14 <= schedule.timezone <= 14:
        return timezone(timedelta(hours=schedule.timezone))
    return ZoneInfo(DEFAULT_TIMEZONE)


def schedule_open_at(schedule: Schedule, moment: datetime) -> bool:
    if not (schedule.opens_at and schedule.closes_at):
        return False
    opens, opens_zone = parse_time(schedule.opens_at)
    closes, _ = parse_time(schedule.closes_at)
    local = moment.astimezone(opens_zone or _zone(schedule))
    if schedule.valid_from and local.date() < schedule.valid_from:
        return False
    if schedule.valid_to and local.date() > schedule.valid_to:
        return False
    days = {day.strip().upper() for day in (schedule.byday or ",".join(WEEKDAYS)).split(",") if day.strip()}
    if WEEKDAYS[local.weekday()] not in days:
        return False
    now = local.time().replace(tzinfo=None)
    if closes <= opens:  # open overnight, e.g. 18:00-08:00
        return now >= opens or now < closes
    return opens <= now < closes


def is_open(open_24_7: bool, schedules: Iterable[Schedule], moment: datetime | None = None) -> bool:
    """Known to be open at `moment`; unknown hours count as not open."""
    if open_24_7:
        return True
    moment = moment or datetime.now(timezone.utc)
    return any(schedule_open_at(schedule, moment) for schedule in schedules)


def describe(service: Service, schedules: Iterable[Schedule]) -> str | None:
    if service.open_24_7:
        return "Open 24/7"
    parts = []
    for schedule in schedules:
        if not (schedule.opens_at and schedule.closes_at):
            if schedule.description:
                parts.append(schedule.description)
            continue
        days = [day.strip().upper() for day in (schedule.byday or "").split(",") if day.strip()]
        span = _day_span(days)
        hours = f"{schedule.opens_at[:5]}-{schedule.closes_at[:5]}"
        parts.append(f"{span} {hours}" if span else hours)
    return "; ".join(parts) or None


def _day_span(days: list[str]) -> str:
    known = [day for day in WEEKDAYS if day in days]
    if not known or len(known) == 7:
        return "Daily" if known else ""
    indexes = [WEEKDAYS.index(day) for day in known]
    if indexes == list(range(indexes[0], indexes[-1] + 1)) and len(indexes) > 2:
        return f"{_DAY_NAMES[known[0]]}-{_DAY_NAMES[known[-1]]}"
    return ",".join(_DAY_NAMES[day] for day in known)
