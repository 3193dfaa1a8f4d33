"""Whole conversations through the real REST channel, one per persona, as a person would see them."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import RunningHarbor, assert_sms_ready

pytestmark = pytest.mark.e2e


def test_youth_asks_honest_questions(harbor: RunningHarbor, sender: str, responses):
    confidentiality = harbor.texts("will you tell my social worker", sender)
    assert confidentiality == [responses["utter_ask_confidentiality"]]
    assert harbor.texts("more", sender) == [responses["utter_ask_confidentiality_2"]]
    assert harbor.texts("am i gonna get arrested", sender) == [responses["utter_ask_in_trouble"]]
    assert harbor.texts("can i get my record expunged", sender) == [responses["utter_ask_records"]]


def test_bot_says_it_is_a_bot_and_offers_people(harbor: RunningHarbor, sender: str, responses):
    assert harbor.texts("r u a real person", sender) == [responses["utter_bot_challenge"]]
    assert harbor.texts("MENU", sender) == [responses["utter_menu"]]
    assert harbor.texts("PERSON", sender) == [responses["utter_talk_to_human"]]


def test_safety_plan_is_built_by_text_and_shown_again(harbor: RunningHarbor, sender: str, responses):
    assert harbor.texts("MY PLAN", sender) == [responses["utter_no_safety_plan"]]
    assert harbor.texts("help me make a safety plan", sender) == [
        responses["utter_safety_plan_intro"], responses["utter_ask_plan_place"]]
    assert harbor.texts("the library on 5th", sender) == [responses["utter_ask_plan_person"]]
    assert harbor.texts("skip", sender) == [responses["utter_ask_plan_number"]]
    assert harbor.texts("my moms cell", sender) == [responses["utter_ask_plan_code_word"]]
    plan = harbor.texts("pineapple", sender)
    expected = responses["utter_safety_plan"].format(
        plan_place="the library on 5th", plan_person="(skipped)", plan_number="my moms cell",
        plan_code_word="pineapple")
    assert plan == [expected]
    harbor.texts("thanks", sender)
    assert harbor.texts("what was my code word again", sender) == [expected]


def test_safety_plan_can_be_stopped(harbor: RunningHarbor, sender: str, responses):
    harbor.texts("PLAN", sender)
    assert harbor.texts("nvm", sender) == [responses["utter_safety_plan_stopped"]]
    assert harbor.texts("hi", sender) == [responses["utter_greet"]]


def test_danger_during_the_safety_plan_gets_911_first(harbor: RunningHarbor, sender: str, responses):
    harbor.texts("PLAN", sender)
    assert harbor.texts("he won't let me leave", sender) == [responses["utter_escalate_danger"]]
    assert harbor.texts("hi", sender) == [responses["utter_greet"]]


def test_caregiver_reads_warning_signs_then_what_to_do(harbor: RunningHarbor, sender: str, responses):
    assert harbor.texts("what are the red flags i should watch for as a foster parent", sender) == [
        responses["utter_ask_warning_signs"]]
    assert harbor.texts("more", sender) == [responses["utter_ask_warning_signs_2"]]
    assert harbor.texts("more", sender) == [responses["utter_ask_warning_signs_3"]]
    assert harbor.texts("SUSPECT", sender) == [responses["utter_ask_suspect_what_to_do"]]
    assert harbor.texts("how do i talk to her about it without judging", sender) == [
        responses["utter_ask_how_to_talk"]]


def test_provider_asks_about_screening_and_care(harbor: RunningHarbor, sender: str, responses):
    assert harbor.texts("which screening tools are validated for csec", sender) == [
        responses["utter_ask_screening_tools"]]
    assert harbor.texts("explain the continuum of care", sender) == [
        responses["utter_ask_continuum_of_care"]]
    assert harbor.texts("what are the six components of promising services", sender) == [
        responses["utter_ask_promising_components"]]


ASKED_IF_SAFE = "One more thing: are you safe right now? Reply YES or NO. You don't have to say more than that."


# A young person's first disclosure about themselves is followed by "are you safe right now?"; danger now
# (the reply already says call 911) and a friend's report are not.
@pytest.mark.parametrize("message, response, asks", [
    ("i want to kill myself", "utter_escalate_self_harm", True),
    ("someone is hurting me right now", "utter_escalate_danger", False),
    ("he keeps all the money i make", "utter_escalate_exploitation", True),
    ("my friend is 14 and her boyfriend sells her", "utter_escalate_third_party", False),
    ("my stepdad hits me", "utter_escalate_abuse", True),
])
def test_danger_gets_the_right_crisis_line(harbor: RunningHarbor, sender: str, responses, message, response,
                                           asks):
    assert harbor.texts(message, sender) == [responses[response], *([ASKED_IF_SAFE] if asks else [])]


def test_every_reply_is_sms_ready(harbor: RunningHarbor, sender: str):
    for message in ["hi", "need food", "what's trafficking", "what therapy works", "more", "bye"]:
        assert_sms_ready(harbor.texts(message, sender))
