import pytest

from resources_db.places import PlaceNotFound, resolve


def test_a_zip_code_is_a_point_in_its_city():
    place = resolve("94601")
    assert place.kind == "zip" and place.state == "CA"
    assert "Oakland" in place.label
    assert 37.7 < place.latitude < 37.9 and -122.3 < place.longitude < -122.1


def test_zip_plus_four_is_accepted():
    assert resolve("94601-1234").label == resolve("94601").label


@pytest.mark.parametrize("text", ["Oakland", "oakland", "OAKLAND, CA", "Oakland California", "  oakland. "])
def test_a_california_city_by_name(text):
    place = resolve(text)
    assert place.kind == "city" and place.label == "Oakland, CA"


def test_los_angeles_is_downtown_not_pulled_away_by_outlying_zips():
    place = resolve("Los Angeles")
    assert abs(place.latitude - 34.05) < 0.15 and abs(place.longitude + 118.25) < 0.15


def test_a_county_by_name():
    place = resolve("Alameda County")
    assert place.kind == "county" and place.label.startswith("Alameda County")


def test_coordinates():
    place = resolve("37.8, -122.27")
    assert place.kind == "coordinates" and place.state == "CA" and place.in_home_state
    assert resolve("40.71,-74.0").state == "NY" and resolve("0, 0").state is None


def test_a_city_in_another_state_is_found_and_marked_outside():
    place = resolve("Portland, OR")
    assert place.state == "OR" and not place.in_home_state


@pytest.mark.parametrize("text, says", [
    ("00000", "can't find ZIP code 00000"),
    ("99999", "can't find ZIP code 99999"),
    ("123", "not a ZIP code"),
    ("idk", "don't know a place"),
    ("Atlantis", "don't know a place"),
    ("200, 5", "not a place on Earth"),
    ("", "ZIP code or a city"),
    ("x" * 200, "longer than a place name"),
    ("'; DROP TABLE service; --", "don't know a place"),
])
def test_unknown_places_say_why(text, says):
    with pytest.raises(PlaceNotFound, match=says):
        resolve(text)
