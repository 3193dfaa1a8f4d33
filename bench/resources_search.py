"""Search latency on a directory of 100,000 synthetic services spread over the US.

Builds the directory (random real ZIP points, 1-3 categories each, age limits on some, 1% statewide,
a few national) on SQLite and, when it is running, on PostgreSQL; then times `search()` for
random places, categories and ages, the way the bot calls it. Baseline in the same run: a naive
search that reads every located service and measures each distance in Python, on the same data.
Goal: p95 < 10 ms on SQLite.

    .venv/bin/python -m bench.resources_search [--services 100000] [--queries 500] [--no-postgres]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from harbor.core.db import engine_for, reachable, session_factory
from harbor.core.settings import test_postgres_url
from resources_db.categories import CATEGORIES
from resources_db.models import (
    Attribute,
    Base,
    Location,
    Organization,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from resources_db.places import Place, _index
from resources_db.search import SearchQuery, miles_between, search
from resources_db.seed import load_seed

BATCH = 5000
POSTGRES_URL = test_postgres_url()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def build(url: str, services: int, rng: random.Random) -> list[tuple[float, float, str]]:
    engine = engine_for(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with session_factory(url)() as session:
        load_seed(session)  # taxonomy terms and the national lines
        session.commit()
    points = [(lat, lon, state) for lat, lon, state, _ in _index().zips.values()]
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(Organization), [
            {"id": f"org{i}", "name": f"Organization {i}", "description": "synthetic"} for i in range(services // 10)])
        for start in range(0, services, BATCH):
            rows_service, rows_location, rows_link, rows_attr, rows_area = [], [], [], [], []
            for i in range(start, min(services, start + BATCH)):
                lat, lon, state = rng.choice(points)
                low = rng.choice([None, None, 12, 18])
                rows_service.append({
                    "id": f"s{i}", "organization_id": f"org{i // 10}", "name": f"Service {i}",
                    "description": "synthetic service", "status": "active", "source": "bench",
                    "minimum_age": low, "maximum_age": 17 if low == 12 else None,
                    "confidential_location": False, "open_24_7": rng.random() < 0.05})
                for category in rng.sample(CATEGORIES, rng.randint(1, 3)):
                    rows_attr.append({"id": f"a{i}-{category.code}", "link_id": f"s{i}", "link_entity": "service",
                                      "taxonomy_term_id": category.term_id, "link_type": "category"})
                if rng.random() < 0.01:
                    rows_area.append({"id": f"sa{i}", "service_id": f"s{i}", "extent": f"US-{state}",
                                      "extent_type": "text", "name": state})
                    continue
                rows_location.append({
                    "id": f"l{i}", "location_type": "physical", "name": f"Service {i}", "city": "Somewhere",
                    "latitude": lat + rng.uniform(-0.05, 0.05), "longitude": lon + rng.uniform(-0.05, 0.05)})
                rows_link.append({"id": f"sal{i}", "service_id": f"s{i}", "location_id": f"l{i}"})
            connection.execute(insert(Service), rows_service)
            connection.execute(insert(Location), rows_location)
            connection.execute(insert(ServiceAtLocation), rows_link)
            connection.execute(insert(Attribute), rows_attr)
            if rows_area:
                connection.execute(insert(ServiceArea), rows_area)
            print(f"  {url.split(':')[0]}: {min(services, start + BATCH):,}/{services:,} services",
                  end="\r", file=sys.stderr, flush=True)
    with engine.begin() as connection:  # planner statistics, as a maintained database has them
        connection.exec_driver_sql("ANALYZE")
    print(f"  built {services:,} services in {time.perf_counter() - started:.1f} s" + " " * 20, file=sys.stderr)
    return points


def naive_search(session, query: SearchQuery) -> list[str]:  # type: ignore[no-untyped-def]
    """The baseline: every located service, every distance, in Python."""
    near = query.near
    rows = session.execute(select(Service.id, Location.latitude, Location.longitude)
                           .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
                           .join(Location, Location.id == ServiceAtLocation.location_id))
    found = [(miles_between(near.latitude, near.longitude, lat, lon), sid) for sid, lat, lon in rows]
    return [sid for distance, sid in sorted(found) if distance <= query.radius_miles][: query.limit]


def measure(url: str, points: list, queries: int, baseline_queries: int, rng: random.Random) -> dict:
    plans = []
    for _ in range(queries):
        lat, lon, state = rng.choice(points)
        plans.append(SearchQuery(near=Place("bench", lat, lon, state, "coordinates"),
                                 category=rng.choice([None, *[c.code for c in CATEGORIES]]),
                                 age=rng.choice([None, 15, 19]), radius_miles=25.0))
    timings, baseline, found = [], [], []
    with session_factory(url)() as session:
        search(session, plans[0])  # warm the connection and statement cache
        for query in plans:
            started = time.perf_counter()
            result = search(session, query)
            timings.append((time.perf_counter() - started) * 1000)
            found.append(len(result.hits))
        for query in plans[:baseline_queries]:
            started = time.perf_counter()
            naive_search(session, query)
            baseline.append((time.perf_counter() - started) * 1000)
    return {"p50": statistics.median(timings), "p95": percentile(timings, 95), "max": max(timings),
            "baseline_p50": statistics.median(baseline), "hits_mean": statistics.mean(found)}


def report(name: str, numbers: dict, goal: float | None) -> None:
    ratio = numbers["baseline_p50"] / numbers["p50"]
    print(f"{name:<11} search p50 {numbers['p50']:6.2f} ms   p95 {numbers['p95']:6.2f} ms   "
          f"max {numbers['max']:6.1f} ms   (mean {numbers['hits_mean']:.1f} hits)")
    print(f"{'':<11} baseline full scan p50 {numbers['baseline_p50']:8.1f} ms   -> search is {ratio:,.0f}x faster")
    if goal is not None:
        print(f"{'':<11} goal p95 < {goal:g} ms: {'met' if numbers['p95'] < goal else 'NOT MET'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--baseline-queries", type=int, default=20)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"{args.services:,} synthetic services, {args.queries} searches (25 mi, random place/category/age)")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        points = build(url, args.services, random.Random(args.seed))
        report("SQLite", measure(url, points, args.queries, args.baseline_queries, random.Random(args.seed)), 10.0)
    if args.no_postgres:
        return 0
    if not reachable(POSTGRES_URL):
        print(f"PostgreSQL   not running at {POSTGRES_URL}; skipped")
        return 0
    build(POSTGRES_URL, args.services, random.Random(args.seed))
    report("PostgreSQL", measure(POSTGRES_URL, points, args.queries, args.baseline_queries,
                                 random.Random(args.seed)), None)
    engine = engine_for(POSTGRES_URL)
    Base.metadata.drop_all(engine)  # leave the shared test database as the tests expect it
    return 0


if __name__ == "__main__":
    sys.exit(main())
