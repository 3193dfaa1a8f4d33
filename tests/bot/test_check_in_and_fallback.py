"""Are you safe right now: only a plain yes is safe. The fallback's search needs two shared words."""

from __future__ import annotations

import pytest

from bot.actions.check_in import NOT_SAFE, SAFE, read_answer
from bot.answer_search import AnswerIndex


@pytest.mark.parametrize("text", ["yes", "Yeah", "im safe", "i'm ok", "yes im safe now", "fine", "si"])
def test_plain_yes_is_safe(text: str):
    assert read_answer(text, None) == SAFE


@pytest.mark.parametrize("text", ["no", "idk", "kinda", "not really", "i guess", "he's here", "nvm", ""])
def test_anything_else_is_not_safe(text: str):
    assert read_answer(text, None) == NOT_SAFE


def test_an_affirm_with_doubt_is_not_safe():
    assert read_answer("yeah i guess not really", "affirm") == NOT_SAFE


def test_answer_search_finds_the_answer_that_shares_words_and_refuses_one_word():
    index = AnswerIndex([("utter_ask_tattoo_removal", "how do i get a tattoo removed"),
                         ("utter_ask_records", "can i clear my criminal record")])
    found = index.search("that guys name tattoo on my neck can it be removed")
    assert found is not None and found.response == "utter_ask_tattoo_removal"
    assert index.search("tattoo") is None
    assert index.search("pizza weather football") is None


def _after_check_in(asked: str, response_selector: dict | None = None,
                    text: str = "is there anywhere that takes tattoos off? he made me get his name") -> list[str]:
    import asyncio

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from bot.actions.check_in import CHECK_IN_INTENT, ActionCheckInResult

    worrying = {"event": "user", "text": text, "parse_data": {
        "intent": {"name": CHECK_IN_INTENT}, "risk": {"level": "concern", "classifier_intent": asked},
        "response_selector": response_selector or {}}}
    answer = {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}}
    tracker = Tracker("s1", {"check_in_answer": SAFE}, answer["parse_data"], [worrying, answer], False, None, {},
                      "action_listen")
    domain = {"responses": {name: [{"text": name}] for name in (
        "utter_check_in_safe", "utter_check_in_safe_then_answer", "utter_ask_tattoo_removal",
        "utter_faq/phone_checked")}}
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionCheckInResult().run(dispatcher, tracker, domain))
    return [m["response"] for m in dispatcher.messages]


def test_a_safe_answer_then_answers_the_question_asked_before_the_check_in():
    assert _after_check_in("ask_tattoo_removal") == ["utter_check_in_safe_then_answer", "utter_ask_tattoo_removal"]
    faq = {"faq": {"response": {"intent_response_key": "faq/phone_checked"}}}
    assert _after_check_in("faq", faq) == ["utter_check_in_safe_then_answer", "utter_faq/phone_checked"]
    assert _after_check_in("greet") == ["utter_check_in_safe"]  # nothing was asked: what can I help with
    # a worrying statement the classifier gave a question's intent asked nothing: no "About what you asked"
    assert _after_check_in("faq", faq, text="he took my phone again") == ["utter_check_in_safe"]
    assert _after_check_in("ask_tattoo_removal", text="he made me get his name tattooed") == ["utter_check_in_safe"]


def test_an_unsure_answer_is_escalated_and_the_bed_asked_for_before_is_still_searched_for(db_url, tmp_path):
    import asyncio

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from bot.actions.check_in import CHECK_IN_INTENT, ActionCheckInResult
    from tests.hotline.support import database

    database(tmp_path, url=db_url)
    worrying = {"event": "user", "text": "is there somewhere i can go tonight he wont find me", "parse_data": {
        "intent": {"name": CHECK_IN_INTENT}, "risk": {"level": "concern", "classifier_intent": "need_shelter",
                                                        "categories": ["imminent_danger"]}}}
    answer = {"event": "user", "text": "19", "parse_data": {"intent": {"name": "inform"},
                                                           "entities": [{"entity": "age", "value": "19"}]}}
    tracker = Tracker("sms:" + "c" * 32, {"check_in_answer": NOT_SAFE}, answer["parse_data"], [worrying, answer],
                      False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionCheckInResult().run(dispatcher, tracker, {"responses": {}}))
    assert dispatcher.messages[0]["response"].startswith("utter_escalate")
    assert [e["name"] for e in events if e.get("event") == "followup"] == ["resource_form"]
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["resource_category"] == "emergency_shelter" and slots["resource_age"] == "19"
