"""Search the directory: nearest local services first, then statewide, then national lines.

Plain Python and SQL (no Rasa), used by the bot's actions, the CLI and the bench. Local
services are found with a latitude/longitude box (a covering index) and ranked by great-circle
distance; statewide and national ones come from service_area extents ("US-CA", "US").
National 24/7 hotlines are always listed last, whatever the filters: a person who finds
nothing else still gets someone to call.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from resources_db import hours
from resources_db.categories import BY_CODE
from resources_db.models import GENDERS
from resources_db.places import HOME_STATE, Place, zip_density
from resources_db.raw_sql import RawCursor, in_list

MAX_RADIUS_MILES = 500.0
MAX_AGE = 120
MAX_TEXT = 200
EARTH_RADIUS_MILES = 3958.8
LOCAL, STATEWIDE, NATIONAL = "local", "statewide", "national"
# Ties (services at one city centre, a line's phones) keep the order of their readable slugs, the
# order they had when slugs were the ids; rows imported without a slug follow by id.
_BOX_SQL = (
    "SELECT sal.service_id, l.id, l.latitude, l.longitude FROM location l "
    "JOIN service_at_location sal ON sal.location_id = l.id "
    "WHERE l.latitude BETWEEN :lat_low AND :lat_high AND l.longitude BETWEEN :lon_low AND :lon_high "
    "ORDER BY (l.latitude - :lat) * (l.latitude - :lat) + (l.longitude - :lon) * (l.longitude - :lon) * :k, "
    "COALESCE(sal.slug, sal.service_id) LIMIT :limit OFFSET :offset"
)
FIRST_RING_MILES = 5.0
DENSE_ZIPS_PER_CELL = 100  # ZIP codes in a 1-degree cell: the busiest tenth of the country
MAX_IN = 900  # ids per IN (...): under SQLite's old 999-variable limit


class SearchError(ValueError):
    """A search the person asked for cannot be run; str(error) says why in one line."""


@dataclass(frozen=True)
class SearchQuery:
    text: str | None = None
    near: Place | None = None
    radius_miles: float = 25.0
    category: str | None = None
    age: int | None = None
    gender: str | None = None
    lgbtq: bool = False
    open_now: bool = False
    # Leave out residential programs (a shelter's on-site clinic is no clinic for someone who needs one).
    not_residential: bool = False
    limit: int = 10  # per tier
    moment: datetime | None = None  # "now" for --open-now; tests pin it

    def validated(self) -> SearchQuery:
        if self.category is not None and self.category not in BY_CODE:
            raise SearchError(f"unknown category {self.category!r}; choose one of: {', '.join(BY_CODE)}")
        if self.age is not None and not 0 <= self.age <= MAX_AGE:
            raise SearchError(f"age must be between 0 and {MAX_AGE}, not {self.age}")
        if self.gender is not None and self.gender not in GENDERS:
            raise SearchError(f"unknown gender {self.gender!r}; choose one of: {', '.join(GENDERS)}")
        if not (isinstance(self.radius_miles, (int, float)) and 0 < self.radius_miles <= MAX_RADIUS_MILES):
            raise SearchError(f"radius must be more than 0 and at most {MAX_RADIUS_MILES:g} miles")
        if self.text is not None and len(self.text) > MAX_TEXT:
            raise SearchError(f"search text is longer than {MAX_TEXT} characters")
        if not 1 <= self.limit <= 100:
            raise SearchError("limit must be between 1 and 100")
        return self


@dataclass(frozen=True)
class Hit:
    service_id: str
    name: str
    organization: str
    description: str | None
    scope: str  # local | statewide | national
    distance_miles: float | None
    city: str | None
    phones: list[dict[str, str]] = field(default_factory=list)  # {"type": "voice", "number": ...}
    url: str | None = None
    hours: str | None = None
    confidential_location: bool = False
    minimum_age: int | None = None
    maximum_age: int | None = None
    genders: str | None = None
    open_24_7: bool = False
    last_verified: date | None = None  # HSDS service.assured_date, under the name people read
    source: str = ""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["last_verified"] = self.last_verified.isoformat() if self.last_verified else None
        return data


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    hits: list[Hit]

    def by_scope(self, scope: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.scope == scope]


def miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filter_sql(query: SearchQuery, confidential_too: bool = False) -> tuple[str, dict[str, object]]:
    """The query's filters as SQL over `s` (service) and `o` (organization), with bound values.

    Written as text because it runs once or twice per search on the hot path, where building
    SQLAlchemy expressions cost more than the database did. Every value is a bound parameter.
    """
    conditions = ["s.status = 'active'"]
    params: dict[str, object] = {}
    if not confidential_too:  # a confidential service never appears with a place or distance
        conditions.append("s.confidential_location = :not_confidential")
        params["not_confidential"] = False
    if query.category:
        conditions.append("EXISTS (SELECT 1 FROM attribute a WHERE a.link_entity = 'service' "
                          "AND a.link_id = s.id AND a.taxonomy_term_id = :term)")
        params["term"] = BY_CODE[query.category].term_id
    if query.not_residential:
        conditions.append("NOT EXISTS (SELECT 1 FROM attribute r WHERE r.link_entity = 'service' "
                          "AND r.link_id = s.id AND r.taxonomy_term_id IN (:shelter, :housing))")
        params["shelter"] = BY_CODE["emergency_shelter"].term_id
        params["housing"] = BY_CODE["transitional_housing"].term_id
    if query.age is not None:
        conditions.append("(s.minimum_age IS NULL OR s.minimum_age <= :age)")
        conditions.append("(s.maximum_age IS NULL OR s.maximum_age >= :age)")
        params["age"] = query.age
    if query.gender:
        # Whole comma-separated items: "male" must not match inside "female".
        conditions.append("(s.genders IS NULL OR s.genders = '' OR (',' || s.genders || ',') LIKE :gender ESCAPE '\\')")
        params["gender"] = _like(f",{query.gender},")
    if query.lgbtq:
        conditions.append("s.lgbtq_affirming = :lgbtq")
        params["lgbtq"] = True
    for number, word in enumerate((query.text or "").split()[:8]):
        conditions.append(" OR ".join(f"lower(coalesce({column}, '')) LIKE :w{number} ESCAPE '\\'" for column in (
            "s.name", "s.description", "s.eligibility_description", "o.name")).join("()"))
        params[f"w{number}"] = _like(word.lower())
    return " AND ".join(conditions), params


def search(session: Session, query: SearchQuery) -> SearchResult:
    query = query.validated()
    local = _local(session, query) if query.near else []
    state = query.near.state if query.near else HOME_STATE
    statewide, national = _areas_and_lines(session, query, state, {found[0] for found in local})
    ids = [found[0] for found in local] + [s.id for s, _ in statewide] + [s.id for s, _ in national]
    phones, schedules = _details(session, ids)
    hits = [_hit(service, LOCAL, distance, city, phones, schedules, organization)
            for _, service, distance, city, organization in local]
    hits += [_hit(service, STATEWIDE, None, None, phones, schedules, org) for service, org in statewide]
    hits += [_hit(service, NATIONAL, None, None, phones, schedules, org) for service, org in national]
    if query.open_now:
        moment = query.moment or datetime.now().astimezone()
        hits = [hit for hit in hits if hours.is_open(hit.open_24_7, schedules.get(hit.service_id, []), moment)]
    return SearchResult(query, hits)


def _local(session: Session, query: SearchQuery) -> list[tuple[str, Any, float, str | None, str]]:
    """The nearest services that pass the filters, nearest first.

    In a built-up area it looks within FIRST_RING_MILES first and widens to the asked radius
    only when too few pass: whatever lies inside the smaller circle is nearer than anything
    outside it, so the order stays exact, while a city centre sorts hundreds of points instead
    of thousands. Elsewhere one pass at the asked radius is cheaper.
    """
    seen: dict[str, tuple[float, str]] = {}
    chosen: list[str] = []
    near = query.near
    assert near is not None
    rings = {query.radius_miles}
    if zip_density(near.latitude, near.longitude) >= DENSE_ZIPS_PER_CELL:
        rings.add(min(FIRST_RING_MILES, query.radius_miles))
    for radius in sorted(rings):
        chosen = _within(session, query, radius, seen, chosen)
        if len(chosen) >= query.limit:
            break
    return _load_local(session, chosen[: query.limit], seen)


def _within(session: Session, query: SearchQuery, radius: float, nearest: dict[str, tuple[float, str]],
            chosen: list[str]) -> list[str]:
    """Nearest first, in growing rounds: the database sorts the points in a lat/lon box by
    (flat-earth) distance and hands over one slice; the slice's services are checked against
    the filters; stop once enough pass. Only the covering indexes are read for the box, and a
    city centre with thousands of services costs a sort in SQLite, not thousands of Python rows.
    Exact great-circle distances are computed for what is returned.
    """
    near = query.near
    assert near is not None
    d_lat = radius / 69.0
    d_lon = radius / max(1.0, 69.0 * math.cos(math.radians(near.latitude)))
    box = {"lat_low": near.latitude - d_lat, "lat_high": near.latitude + d_lat,
           "lon_low": near.longitude - d_lon, "lon_high": near.longitude + d_lon,
           "lat": near.latitude, "lon": near.longitude, "k": math.cos(math.radians(near.latitude)) ** 2}
    cursor = RawCursor(session)
    conditions, params = _filter_sql(query)
    chosen = list(chosen)
    offset, size = 0, 4 * query.limit
    while len(chosen) < query.limit:
        points = cursor.fetch(_BOX_SQL, {**box, "limit": size, "offset": offset})
        fresh: list[str] = []
        for service_id, location_id, latitude, longitude in points:
            distance = miles_between(near.latitude, near.longitude, latitude, longitude)
            if distance <= radius and service_id not in nearest:
                nearest[service_id] = (distance, location_id)
                fresh.append(service_id)
        if fresh:
            placeholders, id_params = in_list("id", fresh)
            passing = {row[0] for row in cursor.fetch(
                f"SELECT s.id FROM service s JOIN organization o ON o.id = s.organization_id "
                f"WHERE s.id IN ({placeholders}) AND {conditions}", {**params, **id_params})}
            chosen += [service_id for service_id in fresh if service_id in passing]
        if len(points) < size:
            break
        offset, size = offset + size, min(4 * size, MAX_IN)
    return sorted(chosen, key=lambda service_id: nearest[service_id][0])


def _load_local(session: Session, chosen: list[str], nearest: dict[str, tuple[float, str]]
                ) -> list[tuple[str, Any, float, str | None, str]]:
    if not chosen:
        return []
    cursor = RawCursor(session)
    services, service_params = in_list("sid", chosen)
    locations, location_params = in_list("lid", [nearest[service_id][1] for service_id in chosen])
    rows = cursor.rows(
        "SELECT s.*, o.name AS organization_name, l.city AS location_city FROM service s "
        "JOIN organization o ON o.id = s.organization_id "
        "JOIN service_at_location sal ON sal.service_id = s.id JOIN location l ON l.id = sal.location_id "
        f"WHERE s.id IN ({services}) AND l.id IN ({locations})", {**service_params, **location_params})
    loaded = {row.id: row for row in rows}
    return [(service_id, loaded[service_id], nearest[service_id][0], loaded[service_id].location_city,
             loaded[service_id].organization_name) for service_id in chosen]


Tier = list[tuple[Any, str]]


def _areas_and_lines(session: Session, query: SearchQuery, state: str | None, exclude: set[str]) -> tuple[Tier, Tier]:
    """Statewide services for `state`, then national ones, each sorted by name and filtered;
    then the national 24/7 hotlines that did not match, the best fit first (always listed).

    A line tagged with the asked-for category comes first; then the trafficking hotline, which
    the seed (XIII.B) describes as referring callers to local services of every kind.
    """
    statewide_extent = f"US-{state}" if state else None
    extents, extent_params = in_list("extent", [extent for extent in (statewide_extent, "US") if extent])
    conditions, params = _filter_sql(query, confidential_too=True)
    cursor = RawCursor(session)
    rows = cursor.rows(
        "SELECT s.*, o.name AS organization_name, sa.extent AS area_extent FROM service s "
        "JOIN organization o ON o.id = s.organization_id JOIN service_area sa ON sa.service_id = s.id "
        f"WHERE sa.extent IN ({extents}) AND {conditions} ORDER BY s.name, COALESCE(s.slug, s.id)",
        {**params, **extent_params})
    statewide: Tier = []
    national: Tier = []
    taken = set(exclude)
    for row in rows:
        tier = statewide if row.area_extent == statewide_extent else national
        if row.id not in taken and len(tier) < query.limit:
            tier.append((row, row.organization_name))
            taken.add(row.id)
    lines: dict[str, tuple[Any, str, set[str]]] = {}
    for row in cursor.rows(
            "SELECT s.*, o.name AS organization_name, a.taxonomy_term_id AS term FROM service s "
            "JOIN organization o ON o.id = s.organization_id JOIN service_area sa ON sa.service_id = s.id "
            "JOIN attribute a ON a.link_entity = 'service' AND a.link_id = s.id "
            "WHERE sa.extent = 'US' AND s.status = 'active' AND s.open_24_7 = :yes", {"yes": True}):
        lines.setdefault(row.id, (row, row.organization_name, set()))[2].add(row.term)
    hotline = BY_CODE["crisis_hotline"].term_id
    asked = BY_CODE[query.category].term_id if query.category else None
    referral = BY_CODE["trafficking_services"].term_id
    always = sorted((line for line in lines.values() if hotline in line[2] and line[0].id not in taken),
                    key=lambda line: (asked not in line[2], referral not in line[2], line[0].name))
    return statewide, national + [(row, organization) for row, organization, _ in always]


def _details(session: Session, ids: list[str]) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    phones: dict[str, list[Any]] = defaultdict(list)
    schedules: dict[str, list[Any]] = defaultdict(list)
    if ids:
        cursor = RawCursor(session)
        placeholders, params = in_list("sid", ids)
        for phone in cursor.rows(f"SELECT * FROM phone WHERE service_id IN ({placeholders}) "
                                 "ORDER BY COALESCE(slug, id)", params):
            phones[phone.service_id].append(phone)
        for schedule in cursor.rows(f"SELECT * FROM schedule WHERE service_id IN ({placeholders}) "
                                    "ORDER BY COALESCE(slug, id)", params):
            schedules[schedule.service_id].append(schedule)
    return phones, schedules


def _hit(service: Any, scope: str, distance: float | None, city: str | None,
         phones: dict[str, list[Any]], schedules: dict[str, list[Any]], organization: str) -> Hit:
    return Hit(
        service_id=service.id, name=service.name, organization=organization,
        description=service.description, scope=scope,
        distance_miles=round(distance, 1) if distance is not None else None, city=city,
        phones=[{"type": phone.type or "voice", "number": phone.number} for phone in phones.get(service.id, [])],
        url=service.url, hours=hours.describe(service, schedules.get(service.id, [])),
        confidential_location=bool(service.confidential_location),
        minimum_age=service.minimum_age, maximum_age=service.maximum_age, genders=service.genders,
        open_24_7=bool(service.open_24_7), last_verified=service.assured_date, source=service.source,
    )

