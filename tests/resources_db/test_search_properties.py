"""Properties of the search API over arbitrary input (hypothesis)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from harbor.core.db import session_factory
from resources_db.categories import BY_CODE
from resources_db.models import Service
from resources_db.places import Place, PlaceNotFound, resolve
from resources_db.search import GENDERS, LOCAL, NATIONAL, STATEWIDE, SearchError, SearchQuery, search
from tests.resources_db.conftest import seeded_url

SCOPE_ORDER = [LOCAL, STATEWIDE, NATIONAL]
CALIFORNIA = st.builds(lambda lat, lon: Place("p", lat, lon, "CA", "coordinates"),
                       st.floats(32.5, 42.0), st.floats(-124.4, -114.1))
ANYWHERE = st.builds(lambda lat, lon: Place("p", lat, lon, None, "coordinates"),
                     st.floats(-90, 90), st.floats(-180, 180))
QUERIES = st.builds(
    SearchQuery,
    text=st.none() | st.text(max_size=60),
    near=st.none() | CALIFORNIA | ANYWHERE,
    radius_miles=st.floats(0.5, 500),
    category=st.none() | st.sampled_from(sorted(BY_CODE)),
    age=st.none() | st.integers(0, 120),
    gender=st.none() | st.sampled_from(GENDERS),
    lgbtq=st.booleans(),
    open_now=st.booleans(),
)


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return seeded_url(f"sqlite:///{Path(tmp_path_factory.mktemp('props')) / 'directory.db'}")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES)
def test_every_hit_fits_the_query_and_the_order_holds(url, query):
    with session_factory(url)() as session:
        result = search(session, query)
    scopes = [SCOPE_ORDER.index(hit.scope) for hit in result.hits]
    assert scopes == sorted(scopes)
    local = result.by_scope(LOCAL)
    assert [h.distance_miles for h in local] == sorted(h.distance_miles for h in local)
    assert all(h.distance_miles <= query.radius_miles + 0.05 for h in local)
    assert all(not h.confidential_location for h in local)
    assert len({h.service_id for h in result.hits}) == len(result.hits)
    assert any(h.scope == NATIONAL and h.open_24_7 for h in result.hits)  # someone to call, always
    for hit in result.hits:
        if hit.open_24_7 and hit.scope == NATIONAL:
            continue
        if query.age is not None:
            assert hit.minimum_age is None or hit.minimum_age <= query.age
            assert hit.maximum_age is None or hit.maximum_age >= query.age
        if query.gender:
            assert not hit.genders or query.gender in hit.genders.split(",")
        assert not query.lgbtq, "no seed service is recorded as LGBTQ-affirming"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300), age=st.integers(-1000, 1000), radius=st.floats(allow_nan=True))
def test_any_input_gives_results_or_a_clear_error_and_changes_nothing(url, text, age, radius):
    with session_factory(url)() as session:
        before = session.scalar(select(func.count()).select_from(Service))
        try:
            search(session, SearchQuery(text=text, age=age, radius_miles=radius, near=resolve("Fresno")))
        except SearchError as error:
            assert str(error)
        assert session.scalar(select(func.count()).select_from(Service)) == before


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=100))
def test_any_place_text_resolves_or_says_why(text):
    try:
        place = resolve(text)
    except PlaceNotFound as error:
        assert str(error).endswith((".", "lines."))
    else:
        assert -90 <= place.latitude <= 90 and -180 <= place.longitude <= 180
