"""Finding a place through the real REST channel: the form, the top 3, MORE, and bad answers."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.conftest import RunningHarbor, assert_sms_ready

pytestmark = pytest.mark.e2e


def _service_count(harbor: RunningHarbor) -> int:
    with create_engine(harbor.env["DATABASE_URL"], future=True).connect() as connection:
        return connection.execute(text("SELECT count(*) FROM service")).scalar_one()


def test_youth_asks_for_a_bed_gets_the_nearest_three_and_more(harbor: RunningHarbor, sender: str, responses):
    first = harbor.texts("i need a bed tonight", sender)
    assert first == [responses["utter_need_shelter"], responses["utter_ask_resource_place"]]
    assert "911" in first[0]
    # The beds come at once (each says the ages it takes); Oakland's shelters take some ages and not others, so
    # the age is asked after them, and the answer narrows them.
    everyone = harbor.texts("94601", sender)
    assert everyone[0] == ("Here is what I found for safe place tonight, near 94601 (Oakland, CA). "
                           "Call first if you can; programs change.")
    assert everyone[1].startswith("1) ")
    assert everyone[-1] == responses["utter_resource_age_after"]
    assert_sms_ready(everyone)
    found = harbor.texts("15", sender)
    assert found[0] == ("Here is what I found for safe place tonight, near 94601 (Oakland, CA). "
                        "Call first if you can; programs change.")
    assert found[1].startswith("1) Emergency Youth Shelter (Oakland, 2.6 mi)")
    assert found[2].startswith("2) Dreamcatcher emergency youth shelter (Alameda, 2.8 mi)")
    assert found[3].startswith("3) Next Door Solutions shelter (San Jose, 36 mi)")  # the bot looks 50 miles out
    assert found[-1] == responses["utter_resource_more_prompt"]
    assert_sms_ready(found)
    more = harbor.texts("MORE", sender)
    assert more[0].startswith("4) National Human Trafficking Hotline (national)") and "1-888-373-7888" in more[0]
    assert more[1].startswith("5) 988 Suicide & Crisis Lifeline")
    # The last page is only statewide and national lines: it ends by naming the programs near them again
    # and who finds others; it invents none. Past the end, MORE says the same.
    assert more[-1].startswith("Those are all the programs I have near 94601 (Oakland, CA): Emergency Youth Shelter")
    assert "Next Door Solutions shelter (San Jose)" in more[-1] and "1-888-373-7888" in more[-1]
    (past_end,) = harbor.texts("more", sender)
    assert past_end == more[-1]
    assert_sms_ready([*more, past_end])


def test_an_adult_is_not_offered_minors_shelters(harbor: RunningHarbor, sender: str, responses):
    harbor.texts("need a bed tonight", sender)
    harbor.texts("Oakland", sender)
    found = harbor.texts("19", sender)
    assert found[1].startswith("1) Next Door Solutions shelter (San Jose")  # no age limit recorded
    assert not any("Emergency Youth Shelter" in message or "Dreamcatcher" in message for message in found)


def test_find_asks_the_kind_of_help_with_buttons_and_numbers(harbor: RunningHarbor, sender: str, responses):
    reply = harbor.send("FIND", sender)
    assert reply[0]["text"] == responses["utter_ask_resource_category"]
    assert "1) Safe place tonight" in reply[0]["text"]
    assert harbor.texts("banana", sender) == [responses["utter_resource_category_unknown"],
                                              responses["utter_ask_resource_category"]]
    assert harbor.texts("6", sender) == [responses["utter_ask_resource_place"]]
    found = harbor.texts("skip", sender)
    assert found[0] == ("Here is what I found for counseling, statewide and national. "
                        "Call first if you can; programs change.")
    assert any("Stars Behavioral Health Group (statewide)" in message for message in found)


def test_bad_places_get_a_clear_answer_and_the_question_again(harbor: RunningHarbor, sender: str, responses):
    harbor.texts("I'm hungry", sender)
    assert harbor.texts("00000", sender) == [
        "I can't find ZIP code 00000. Please check it, or send a city name instead.",
        responses["utter_ask_resource_place"]]
    assert harbor.texts("idk", sender)[0].startswith("Here is what I found for food, statewide and national.")


def test_a_city_in_another_state_gets_national_lines(harbor: RunningHarbor, sender: str, responses):
    harbor.texts("need a bed", sender)
    found = harbor.texts("Portland, OR", sender)
    assert found[0] == responses["utter_resource_outside"].format(place="Portland, OR")
    assert "National Human Trafficking Hotline" in found[1]


def test_sql_as_a_place_changes_nothing(harbor: RunningHarbor, sender: str, responses):
    before = _service_count(harbor)
    harbor.texts("FIND", sender)
    harbor.texts("9", sender)
    reply = harbor.texts("'; DROP TABLE service; --", sender)
    assert reply[0].startswith("I don't know a place called")
    assert reply[-1] == responses["utter_ask_resource_place"]
    assert _service_count(harbor) == before


def test_nvm_stops_the_search_and_danger_still_escalates(harbor: RunningHarbor, sender: str, responses):
    harbor.texts("need a bed", sender)
    assert harbor.texts("nvm", sender) == [responses["utter_resource_search_stopped"]]
    harbor.texts("need a bed", sender)
    reply = harbor.texts("he won't let me leave and he has a gun", sender)
    assert any("911" in message for message in reply)
    assert responses["utter_ask_resource_place"] not in reply


def test_a_worrying_bed_request_gets_the_beds_first_then_are_you_safe(harbor: RunningHarbor, sender: str,
                                                                       responses):
    from tests.e2e.test_escalation import escalations_for

    # "kicked me out" is a worry the rules lower to concern (an idiom), not a page: ask, but answer first.
    first = harbor.texts("my mom kicked me out and i need a bed tonight, im 15", sender)
    assert first == [responses["utter_need_shelter"], responses["utter_ask_resource_place"]]
    found = harbor.texts("94601", sender)
    assert found[1].startswith("1) Emergency Youth Shelter (Oakland")
    assert found[-2] == responses["utter_resource_more_prompt"]
    # Safety first: "are you safe?" is asked, not the age (here it is known anyway).
    assert found[-1].startswith("One more thing: are you safe right now?")
    # MORE instead of yes or no goes on with the results; nobody is paged for it.
    more = harbor.texts("MORE", sender)
    assert more[0].startswith("4) National Human Trafficking Hotline")
    assert escalations_for(harbor, sender) == []


def test_an_unsure_answer_after_the_beds_pages_and_does_not_search_again(harbor: RunningHarbor, sender: str,
                                                                          responses):
    from tests.e2e.test_escalation import escalations_for

    harbor.texts("my mom kicked me out and i need a bed tonight in 94601, im 15", sender)
    reply = harbor.texts("idk", sender)
    assert len(reply) == 1 and "advocate" in reply[0] and "911" in reply[0]
    [escalation] = escalations_for(harbor, sender)
    assert escalation["level"] == "high"
