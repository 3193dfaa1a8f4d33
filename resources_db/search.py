"""Search the directory: nearest local services first, then statewide, then national lines.

Plain Python over SQLAlchemy (no Rasa), used by the bot's actions, the CLI and the bench.
Local services are found with a latitude/longitude box (indexed) and ranked by great-circle
distance; statewide and national ones come from service_area extents ("US-CA", "US").
National 24/7 hotlines are always listed last, whatever the filters: a person who finds
nothing else still gets someone to call.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from resources_db import hours
from resources_db.categories import BY_CODE
from resources_db.models import (
    Attribute,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from resources_db.places import HOME_STATE, Place

GENDERS = ("female", "male", "transgender", "nonbinary")
MAX_RADIUS_MILES = 500.0
MAX_AGE = 120
MAX_TEXT = 200
EARTH_RADIUS_MILES = 3958.8
LOCAL, STATEWIDE, NATIONAL = "local", "statewide", "national"


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
    last_verified: date | None = None
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


def _filtered(statement, query: SearchQuery):  # type: ignore[no-untyped-def]
    conditions = [Service.status == "active"]
    if query.category:
        conditions.append(exists().where(and_(
            Attribute.link_entity == "service", Attribute.link_id == Service.id,
            Attribute.taxonomy_term_id == BY_CODE[query.category].term_id)))
    if query.age is not None:
        conditions.append(or_(Service.minimum_age.is_(None), Service.minimum_age <= query.age))
        conditions.append(or_(Service.maximum_age.is_(None), Service.maximum_age >= query.age))
    if query.gender:
        conditions.append(or_(Service.genders.is_(None), Service.genders == "",
                              Service.genders.like(_like(query.gender), escape="\\")))
    if query.lgbtq:
        conditions.append(Service.lgbtq_affirming.is_(True))
    for word in (query.text or "").split()[:8]:
        pattern = _like(word)
        conditions.append(or_(Service.name.ilike(pattern, escape="\\"),
                              Service.description.ilike(pattern, escape="\\"),
                              Service.eligibility_description.ilike(pattern, escape="\\"),
                              Organization.name.ilike(pattern, escape="\\")))
    return statement.where(*conditions)


def search(session: Session, query: SearchQuery) -> SearchResult:
    query = query.validated()
    local = _local(session, query) if query.near else []
    seen = {hit_id for hit_id, _, _ in local}
    state = query.near.state if query.near else HOME_STATE
    statewide = _by_area(session, query, f"US-{state}", seen) if state else []
    seen |= {service.id for service in statewide}
    national = _by_area(session, query, "US", seen)
    seen |= {service.id for service in national}
    national += _always_listed_lines(session, query, seen)
    services = {hit_id: (service, location) for hit_id, service, location in local}
    ids = list(services) + [s.id for s in statewide] + [s.id for s in national]
    phones, schedules = _details(session, ids)
    hits = []
    for service, location in services.values():
        distance = miles_between(query.near.latitude, query.near.longitude, location.latitude, location.longitude)
        hits.append(_hit(service, LOCAL, distance, location.city, phones, schedules))
    hits.sort(key=lambda hit: hit.distance_miles or 0.0)
    hits += [_hit(service, STATEWIDE, None, None, phones, schedules) for service in statewide]
    hits += [_hit(service, NATIONAL, None, None, phones, schedules) for service in national]
    if query.open_now:
        moment = query.moment or datetime.now().astimezone()
        hits = [hit for hit in hits if hit.open_24_7 or hours.is_open(
            _stub(hit), schedules.get(hit.service_id, []), moment)]
    return SearchResult(query, hits)


def _local(session: Session, query: SearchQuery) -> list[tuple[str, Service, Location]]:
    near = query.near
    assert near is not None
    d_lat = query.radius_miles / 69.0
    d_lon = query.radius_miles / max(1.0, 69.0 * math.cos(math.radians(near.latitude)))
    statement = _filtered(
        select(Service, Location)
        .join(Organization, Organization.id == Service.organization_id)
        .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(Location.latitude.between(near.latitude - d_lat, near.latitude + d_lat),
               Location.longitude.between(near.longitude - d_lon, near.longitude + d_lon),
               Service.confidential_location.is_(False)),
        query)
    nearest: dict[str, tuple[float, Service, Location]] = {}
    for service, location in session.execute(statement):
        distance = miles_between(near.latitude, near.longitude, location.latitude, location.longitude)
        if distance <= query.radius_miles and (service.id not in nearest or distance < nearest[service.id][0]):
            nearest[service.id] = (distance, service, location)
    ranked = sorted(nearest.items(), key=lambda item: (item[1][0], item[1][1].name))[: query.limit]
    return [(service_id, service, location) for service_id, (_, service, location) in ranked]


def _by_area(session: Session, query: SearchQuery, extent: str, exclude: set[str]) -> list[Service]:
    statement = _filtered(
        select(Service).join(Organization, Organization.id == Service.organization_id)
        .join(ServiceArea, ServiceArea.service_id == Service.id)
        .where(ServiceArea.extent == extent).order_by(Service.name).distinct(),
        query)
    found = [service for service in session.scalars(statement) if service.id not in exclude]
    return found[: query.limit]


def _always_listed_lines(session: Session, query: SearchQuery, exclude: set[str]) -> list[Service]:
    """National 24/7 hotlines, the one that fits the request best first.

    A line tagged with the asked-for category first; then the trafficking hotline, which the
    seed (XIII.B) describes as referring callers to local services of every kind.
    """
    statement = (
        select(Service).join(ServiceArea, ServiceArea.service_id == Service.id)
        .where(ServiceArea.extent == "US", Service.status == "active", Service.open_24_7.is_(True),
               exists().where(and_(Attribute.link_entity == "service", Attribute.link_id == Service.id,
                                   Attribute.taxonomy_term_id == BY_CODE["crisis_hotline"].term_id)))
        .order_by(Service.name).distinct()
    )
    lines = [service for service in session.scalars(statement) if service.id not in exclude]
    tags: dict[str, set[str]] = defaultdict(set)
    if lines:
        for link_id, term_id in session.execute(
                select(Attribute.link_id, Attribute.taxonomy_term_id)
                .where(Attribute.link_entity == "service", Attribute.link_id.in_([s.id for s in lines]))):
            tags[link_id].add(term_id)
    asked = BY_CODE[query.category].term_id if query.category else None
    referral = BY_CODE["trafficking_services"].term_id
    return sorted(lines, key=lambda s: (asked not in tags[s.id], referral not in tags[s.id], s.name))


def _details(session: Session, ids: list[str]) -> tuple[dict[str, list[Phone]], dict[str, list[Schedule]]]:
    phones: dict[str, list[Phone]] = defaultdict(list)
    schedules: dict[str, list[Schedule]] = defaultdict(list)
    if ids:
        for phone in session.scalars(select(Phone).where(Phone.service_id.in_(ids)).order_by(Phone.id)):
            phones[phone.service_id].append(phone)
        for schedule in session.scalars(select(Schedule).where(Schedule.service_id.in_(ids)).order_by(Schedule.id)):
            schedules[schedule.service_id].append(schedule)
    return phones, schedules


def _hit(service: Service, scope: str, distance: float | None, city: str | None,
         phones: dict[str, list[Phone]], schedules: dict[str, list[Schedule]]) -> Hit:
    return Hit(
        service_id=service.id, name=service.name, organization=service.organization.name,
        description=service.description, scope=scope,
        distance_miles=round(distance, 1) if distance is not None else None, city=city,
        phones=[{"type": phone.type or "voice", "number": phone.number} for phone in phones.get(service.id, [])],
        url=service.url, hours=hours.describe(service, schedules.get(service.id, [])),
        confidential_location=bool(service.confidential_location),
        minimum_age=service.minimum_age, maximum_age=service.maximum_age, genders=service.genders,
        open_24_7=bool(service.open_24_7), last_verified=service.last_verified, source=service.source,
    )


def _stub(hit: Hit) -> Service:
    return Service(open_24_7=hit.open_24_7)
