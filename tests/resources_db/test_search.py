from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from harbor.core.db import session_factory
from resources_db.ids import harbor_id
from resources_db.models import Location, Schedule, Service, ServiceAtLocation
from resources_db.places import resolve
from resources_db.present import format_hit, format_hit_es
from resources_db.search import LOCAL, NATIONAL, STATEWIDE, SearchError, SearchQuery, search


def names(result):
    return [hit.name for hit in result.hits]


def test_a_bed_near_oakland_lists_the_nearest_shelters_then_the_national_lines(any_url):
    with session_factory(any_url)() as session:
        result = search(session, SearchQuery(near=resolve("94601"), category="emergency_shelter"))
    local = result.by_scope(LOCAL)
    assert [hit.name for hit in local] == ["Emergency Youth Shelter", "Dreamcatcher emergency youth shelter"]
    assert local[0].distance_miles <= local[1].distance_miles < 25
    assert [hit.scope for hit in result.hits][-2:] == [NATIONAL, NATIONAL]
    assert result.hits[-2].name == "National Human Trafficking Hotline"


def test_local_then_statewide_then_national(session):
    result = search(session, SearchQuery(near=resolve("Los Angeles"), category="transitional_housing"))
    scopes = [hit.scope for hit in result.hits]
    assert scopes == sorted(scopes, key=[LOCAL, STATEWIDE, NATIONAL].index)
    assert {LOCAL, STATEWIDE, NATIONAL} <= set(scopes)
    distances = [hit.distance_miles for hit in result.by_scope(LOCAL)]
    assert distances == sorted(distances)


def test_age_filters_out_programs_that_do_not_take_that_age(session):
    adult = search(session, SearchQuery(near=resolve("Los Angeles"), category="transitional_housing", age=19))
    minor = search(session, SearchQuery(near=resolve("Los Angeles"), category="transitional_housing", age=15))
    assert "Children of the Night residential program" in names(minor)
    assert "Children of the Night residential program" not in names(adult)
    assert "CAST residential program" in names(adult) and "CAST residential program" not in names(minor)


def test_gender_keeps_programs_open_to_that_gender_or_not_recorded(session):
    result = search(session, SearchQuery(near=resolve("Oakland"), category="drop_in", gender="male"))
    assert "MISSSEY Safe Place Alternative and youth services" not in names(result)
    assert "Dreamcatcher emergency youth shelter" in names(result)


def test_lgbtq_only_lists_services_recorded_as_affirming_and_still_the_lines(session):
    result = search(session, SearchQuery(near=resolve("Oakland"), lgbtq=True))
    assert result.by_scope(LOCAL) == [] and result.by_scope(STATEWIDE) == []
    assert "National Human Trafficking Hotline" in names(result)


def test_text_must_appear_in_name_or_description(session):
    result = search(session, SearchQuery(text="GED", near=resolve("Van Nuys")))
    assert result.by_scope(LOCAL)[0].name == "Children of the Night residential program"


def test_skip_gives_statewide_and_national_only(session):
    result = search(session, SearchQuery(category="transitional_housing"))
    assert {hit.scope for hit in result.hits} == {STATEWIDE, NATIONAL}


def test_another_state_gets_only_national_lines(session):
    result = search(session, SearchQuery(near=resolve("Portland, OR"), category="emergency_shelter"))
    assert {hit.scope for hit in result.hits} == {NATIONAL}


def test_a_confidential_shelter_has_no_location_and_is_shown_without_one(session):
    service = session.get(Service, harbor_id("service", "courage-house-norcal"))
    assert service.confidential_location
    links = session.scalar(select(func.count()).select_from(ServiceAtLocation)
                           .where(ServiceAtLocation.service_id == service.id))
    assert links == 0
    result = search(session, SearchQuery(near=resolve("Rocklin"), category="transitional_housing", age=15))
    hit = next(hit for hit in result.hits if hit.service_id == service.id)
    assert hit.scope == STATEWIDE and hit.distance_miles is None and hit.city is None
    text = format_hit(hit, 1)
    assert "Address kept private for safety" in text and "Rocklin" not in text
    spanish = format_hit_es(hit, 1, "un lugar para vivir a largo plazo")
    assert "Direccion privada por seguridad" in spanish and "Rocklin" not in spanish


def test_a_spanish_reader_gets_spanish_words_not_the_english_description(session):
    from bot.nlu.language import SPANISH, language_of

    result = search(session, SearchQuery(near=resolve("Los Angeles"), category="emergency_shelter", age=17))
    local = [hit for hit in result.hits if hit.scope == "local"]
    assert local
    for number, hit in enumerate(result.hits, start=1):
        text = format_hit_es(hit, number, "un lugar seguro esta noche")
        assert hit.name in text and len(text) <= 320
        assert not hit.description or hit.description[:30] not in text
    listing = " ".join(format_hit_es(hit, n, "un lugar seguro esta noche") for n, hit in enumerate(local, 1))
    assert "Edades" in listing or "Llama al" in listing
    assert language_of("Esto encontré para un lugar seguro esta noche, cerca de Los Angeles. " + listing) == SPANISH


def test_open_now_keeps_24_7_lines_and_services_open_at_that_moment(session):
    shelter = harbor_id("service", "dreamcatcher-shelter")
    session.add(Schedule(id=harbor_id("schedule", "dreamcatcher-hours"), service_id=shelter, freq="WEEKLY",
                         byday="MO,TU,WE,TH,FR", opens_at="09:00", closes_at="17:00",
                         timezone_name="America/Los_Angeles"))
    session.commit()
    monday_noon = datetime(2026, 11, 23, 20, 0, tzinfo=timezone.utc)  # 12:00 in Oakland
    monday_night = datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)  # 22:00 in Oakland
    near = resolve("Oakland")
    open_noon = search(session, SearchQuery(near=near, category="emergency_shelter", open_now=True, moment=monday_noon))
    open_night = search(session, SearchQuery(near=near, category="emergency_shelter", open_now=True,
                                             moment=monday_night))
    assert "Dreamcatcher emergency youth shelter" in names(open_noon)
    assert "Dreamcatcher emergency youth shelter" not in names(open_night)
    assert "Emergency Youth Shelter" not in names(open_noon)  # hours unknown: not promised as open
    assert "National Human Trafficking Hotline" in names(open_night)
    hit = next(h for h in open_noon.hits if h.service_id == shelter)
    assert hit.hours == "Mon-Fri 09:00-17:00"


def test_sql_in_the_search_text_is_just_text(session):
    before = session.scalar(select(func.count()).select_from(Service))
    result = search(session, SearchQuery(text="'; DROP TABLE service; --", near=resolve("Oakland")))
    search(session, SearchQuery(text="%", near=resolve("Oakland")))
    assert result.by_scope(LOCAL) == []
    assert session.scalar(select(func.count()).select_from(Service)) == before
    assert session.scalar(select(func.count()).select_from(Location)) > 0


def test_a_percent_sign_matches_only_a_percent_sign(session):
    assert search(session, SearchQuery(text="%", near=resolve("Oakland"))).by_scope(LOCAL) == []


@pytest.mark.parametrize("query, says", [
    (SearchQuery(age=200), "age must be between 0 and 120"),
    (SearchQuery(age=-1), "age must be between"),
    (SearchQuery(category="spa"), "unknown category"),
    (SearchQuery(gender="x"), "unknown gender"),
    (SearchQuery(radius_miles=0), "radius"),
    (SearchQuery(radius_miles=10_000), "radius"),
    (SearchQuery(text="a" * 500), "longer than"),
])
def test_bad_queries_say_why(session, query, says):
    with pytest.raises(SearchError, match=says):
        search(session, query)


def test_every_seed_service_cites_the_seed_and_its_date(session):
    for service in session.scalars(select(Service)):
        assert service.source
        if service.slug != "lifeline-988-line":
            assert service.source.startswith("seed ") and service.assured_date.isoformat() == "2014-01-17"
