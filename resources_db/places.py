"""Turn what a person types for "where" into a point: a ZIP code, a city or county, or "lat,lon".

Offline: the `zipcodes` package ships the USPS ZIP list with coordinates in its wheel. A city
or county is the centre of its ZIP codes. Harbor's directory is Californian, so a bare city
name is looked up in California first.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from statistics import median

import zipcodes

HOME_STATE = "CA"
STATE_NAMES = {"CA": "California"}

_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")
_LAT_LON = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_CITY_STATE = re.compile(r"^\s*(?P<city>[^,]+?)\s*,\s*(?P<state>[A-Za-z]{2})\.?\s*$")
_SUFFIXES = (" ca", " california", " county", " co")


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float
    state: str | None  # two letters, None for bare coordinates
    kind: str  # zip | city | county | coordinates

    @property
    def in_home_state(self) -> bool:
        return self.state in (None, HOME_STATE)


class PlaceNotFound(ValueError):
    """The text names no place we know; str(error) is a sentence to show the person."""


@dataclass
class _Index:
    zips: dict[str, tuple[float, float, str, str]]  # zip -> lat, lon, state, city
    cities: dict[tuple[str, str], list[tuple[float, float]]]  # (state, city lower) -> points
    counties: dict[tuple[str, str], list[tuple[float, float]]]  # (state, "alameda") -> points
    city_states: dict[str, set[str]]  # city lower -> states
    display: dict[tuple[str, str], str]  # (state, city lower) -> "Oakland"
    grid: dict[tuple[int, int], list[tuple[float, float, str]]]  # whole degrees -> ZIP points


@lru_cache(maxsize=1)
def _index() -> _Index:
    index = _Index({}, defaultdict(list), defaultdict(list), defaultdict(set), {}, defaultdict(list))
    for row in zipcodes.list_all():
        if not row["active"] or not row["lat"] or not row["long"] or row["zip_code_type"] == "MILITARY":
            continue
        point = (float(row["lat"]), float(row["long"]))
        if point == (0.0, 0.0):  # no coordinates recorded
            continue
        state, city = row["state"], row["city"]
        index.zips[row["zip_code"]] = (*point, state, city)
        index.grid[(math.floor(point[0]), math.floor(point[1]))].append((*point, state))
        # Only the USPS primary city: "acceptable" names stretch far (Los Angeles would
        # pull in ZIPs 60 miles away).
        key = (state, city.lower())
        index.cities[key].append(point)
        index.city_states[city.lower()].add(state)
        index.display.setdefault(key, city)
        county = (row.get("county") or "").lower().removesuffix(" county").removesuffix(" parish")
        if county:
            index.counties[(state, county)].append(point)
            index.display.setdefault((state, county + " county"), row["county"])
    return index


def _centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    # The median resists the odd far-off ZIP (PO boxes, unique ZIPs) that a mean would follow.
    return median(p[0] for p in points), median(p[1] for p in points)


def _normalise(text: str) -> str:
    cleaned = re.sub(r"[^a-z0-9 ,.'-]", " ", text.lower())
    return re.sub(r"\s+", " ", cleaned).strip(" .,")


def resolve(text: str) -> Place:
    """The place `text` names, or PlaceNotFound with a sentence saying why."""
    if not text or not text.strip():
        raise PlaceNotFound("Please send a ZIP code or a city name.")
    if len(text) > 80:
        raise PlaceNotFound("That is longer than a place name. Please send just a ZIP code or a city.")
    zip_match = _ZIP.match(text)
    if zip_match:
        return _from_zip(zip_match.group(1))
    coordinates = _LAT_LON.match(text)
    if coordinates:
        return _from_coordinates(float(coordinates.group(1)), float(coordinates.group(2)))
    if re.fullmatch(r"\s*\d+\s*", text):
        raise PlaceNotFound(f"{text.strip()} is not a ZIP code. A ZIP code has 5 digits, like the one on a letter.")
    return _from_name(text)


def _from_zip(code: str) -> Place:
    found = _index().zips.get(code)
    if found is None:
        raise PlaceNotFound(f"I can't find ZIP code {code}. Please check it, or send a city name instead.")
    latitude, longitude, state, city = found
    return Place(f"{code} ({city}, {state})", latitude, longitude, state, "zip")


def _from_coordinates(latitude: float, longitude: float) -> Place:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise PlaceNotFound("Those numbers are not a place on Earth. Please send a ZIP code or a city.")
    return Place(f"{latitude:.4f},{longitude:.4f}", latitude, longitude, _state_at(latitude, longitude), "coordinates")


def zip_density(latitude: float, longitude: float) -> int:
    """How many ZIP codes share this point's 1-degree cell: a cheap guess at how built-up it is."""
    return len(_index().grid.get((math.floor(latitude), math.floor(longitude)), ()))


def _state_at(latitude: float, longitude: float) -> str | None:
    """The state of the nearest ZIP code within about 30 miles, else None (at sea, abroad)."""
    cell_lat, cell_lon = math.floor(latitude), math.floor(longitude)
    candidates = [point for d_lat in (-1, 0, 1) for d_lon in (-1, 0, 1)
                  for point in _index().grid.get((cell_lat + d_lat, cell_lon + d_lon), [])]
    if not candidates:
        return None
    scale = math.cos(math.radians(latitude))
    best = min(candidates, key=lambda p: (p[0] - latitude) ** 2 + ((p[1] - longitude) * scale) ** 2)
    distance_degrees = math.hypot(best[0] - latitude, (best[1] - longitude) * scale)
    return best[2] if distance_degrees < 0.45 else None


def _from_name(text: str) -> Place:
    index = _index()
    cleaned = _normalise(text)
    with_state = _CITY_STATE.match(cleaned)
    if with_state:
        state = with_state.group("state").upper()
        return _named(with_state.group("city"), state) or _not_found(text)
    name = cleaned
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)].strip(" ,")
    place = _named(name, HOME_STATE, county_hint=cleaned.endswith((" county", " co")))
    if place:
        return place
    states = sorted(index.city_states.get(name, ()))
    if states:
        return _named(name, states[0]) or _not_found(text)
    return _not_found(text)


def _named(name: str, state: str, county_hint: bool = False) -> Place | None:
    index = _index()
    name = name.strip().removesuffix(" county").strip()
    city_points = index.cities.get((state, name))
    county_points = index.counties.get((state, name))
    if county_points and (county_hint or not city_points):
        label = index.display.get((state, name + " county"), name.title() + " County")
        return Place(f"{label}, {state}", *_centre(county_points), state, "county")
    if city_points:
        label = index.display.get((state, name), name.title())
        return Place(f"{label}, {state}", *_centre(city_points), state, "city")
    return None


def _not_found(text: str) -> Place:
    shown = _normalise(text)[:40] or "that"
    raise PlaceNotFound(
        f"I don't know a place called \"{shown}\". Please send a ZIP code or a California city or county, "
        "or SKIP for statewide and national lines."
    )


@lru_cache(maxsize=1)
def home_state_names() -> frozenset[str]:
    """Every city and county name of the home state, lower case ("fresno", "los angeles", "kern county")."""
    index = _index()
    cities = {city for state, city in index.cities if state == HOME_STATE}
    counties = {f"{county} county" for state, county in index.counties if state == HOME_STATE}
    return frozenset(cities | counties | {county for state, county in index.counties if state == HOME_STATE})


def is_home_state_zip(code: str) -> bool:
    found = _index().zips.get(code)
    return found is not None and found[2] == HOME_STATE
