"""One CSV cell to one column value and back, as HSDS 3.0's descriptor types them.

Export writes what the official descriptor accepts (frictionless checks it): full URLs, times
as HH:MM:SS with their offset, the schedule's timezone as a UTC offset. Import reads that, and
also what older Harbor exports and looser publishers write (a bare www. address, HH:MM, an IANA
zone in `timezone`), turning it into the same stored value so a round trip changes nothing.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Boolean, Date, Float, Integer, String

from resources_db import hours

_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_BARE_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+\.?(:\d+)?([/?#]\S*)?$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WHOLE = re.compile(r"^-?\d{1,9}(\.0*)?$")
NUMBER = re.compile(r"^\s*[+-]?\d+(\.\d+)?\s*$")
# The columns the official descriptor types as URIs (format "uri") among those Harbor keeps.
URL_COLUMNS = {("organization", "website"), ("service", "url"), ("location", "url"), ("taxonomy_term", "term_uri")}
EMAIL_COLUMNS = {("organization", "email"), ("service", "email")}
TIME_COLUMNS = {("schedule", "opens_at"), ("schedule", "closes_at")}


class BareHost(ValueError):
    """A web address without its scheme: read as https, and said so in a warning."""


def to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def descriptor_type(column: Any) -> str:
    """The Table Schema type of one of Harbor's own columns, for the export's descriptor."""
    kind = column.type
    for sql_type, name in ((Boolean, "boolean"), (Integer, "integer"), (Float, "number"), (Date, "date")):
        if isinstance(kind, sql_type):
            return name
    return "string"


def parse(table: str, column: Any, raw: str) -> Any:
    """The stored value of a non-empty cell; ValueError says what is wrong in a few words."""
    key = (table, column.name)
    if key in URL_COLUMNS:
        return full_url(raw)
    if key in EMAIL_COLUMNS and not _EMAIL.match(raw):
        raise ValueError(f"not an e-mail address: {raw!r}")
    if key in TIME_COLUMNS:
        return canonical_time(raw)
    if key == ("schedule", "timezone") and not NUMBER.match(raw):  # a valid zone name was read before
        raise ValueError(f"not a UTC offset or a time zone name: {raw!r}")
    kind = column.type
    if isinstance(kind, Boolean):
        lowered = raw.lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise ValueError(f"not true or false: {raw!r}")
    if isinstance(kind, Integer):
        # HSDS types ages and extensions as numbers: 12.0 is 12, 12.5 is not a whole number.
        if not _WHOLE.match(raw):
            raise ValueError(f"not a whole number: {raw!r}")
        return int(float(raw))
    if isinstance(kind, Float):
        try:
            number = float(raw)
        except ValueError:
            raise ValueError(f"not a number: {raw!r}") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"not a finite number: {raw!r}")
        return number
    if isinstance(kind, Date):
        return date.fromisoformat(raw)
    if isinstance(kind, String) and kind.length and len(raw) > kind.length:
        raise ValueError(f"longer than {kind.length} characters")
    return raw


def full_url(raw: str) -> str:
    """A URI as HSDS asks; a bare host like www.example.org raises BareHost with its https form."""
    if _SCHEME.match(raw) and " " not in raw:
        return raw
    if _BARE_HOST.match(raw):
        raise BareHost(f"https://{raw}")
    raise ValueError(f"not a web address: {raw!r}")


def canonical_time(raw: str) -> str:
    """HH:MM:SS plus Z or ±HH:MM, the form Table Schema's `time` type accepts."""
    moment, zone = hours.parse_time(raw)
    text = moment.strftime("%H:%M:%S")
    if zone is None:
        return text
    offset = zone.utcoffset(None)
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def standard_offset(zone_name: str, moment: datetime | None = None) -> float:
    """The zone's UTC offset outside daylight saving time, in hours (-8.0 for Los Angeles)."""
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"not a UTC offset or a time zone name: {zone_name!r}") from None
    local = (moment or datetime.now(timezone.utc)).astimezone(zone)
    offset = (local.utcoffset() or timedelta(0)) - (local.dst() or timedelta(0))
    return offset.total_seconds() / 3600
