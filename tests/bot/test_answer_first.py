"""Answer first, then ask: a worrying message that asks something gets its answer (or its search) before
"are you safe right now?", and what it asked is not answered twice; a worry right after an escalation is
answered, not asked about again; a question about programs where the place is known also searches."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.answer_then_search import ActionAnswerThenSearch
from bot.actions.check_in import CHECK_IN_INTENT, SAFE, ActionCheckIn, ActionCheckInResult
from bot.actions.escalation import escalated_lately

RESPONSES = ("utter_ask_tattoo_removal", "utter_need_shelter", "utter_check_in_safe", "utter_ask_jobs_school",
             "utter_check_in_safe_then_answer", "utter_ask_running_away")
DOMAIN = {"responses": {name: [{"text": name}] for name in RESPONSES}}


def _worry(text: str, asked: str, entities: list | None = None) -> dict:
    return {"event": "user", "text": text, "parse_data": {
        "text": text, "intent": {"name": CHECK_IN_INTENT}, "entities": entities or [],
        "risk": {"level": "concern", "classifier_intent": asked, "categories": ["exploitation"]}}}


def _run(action, events: list[dict], slots: dict | None = None):  # type: ignore[no-untyped-def]
    tracker = Tracker("s1", slots or {}, events[-1].get("parse_data") or {}, events, False, None, {},
                      "action_listen")
    dispatcher = CollectingDispatcher()
    result = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return [m.get("response") for m in dispatcher.messages], result


def _followups(events: list[dict]) -> list[str]:
    return [e["name"] for e in events if e.get("event") == "followup"]


def _slots(events: list[dict]) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_a_worrying_question_is_answered_then_asks_if_they_are_safe():
    said, events = _run(ActionCheckIn(), [_worry(
        "is there anywhere that takes tattoos off for free. somebody made me get his name", "ask_tattoo_removal")])
    assert said == ["utter_ask_tattoo_removal"]
    assert _followups(events) == ["check_in_form"] and _slots(events)["check_in_after_answer"] is True


def test_a_worrying_need_searches_first_and_asks_once_the_results_are_shown():
    place = [{"entity": "place", "value": "fresno"}, {"entity": "age", "value": "16"}]
    said, events = _run(ActionCheckIn(), [_worry(
        "im 16 n my mom kicked me out, i need somewhere to sleep tonight in fresno", "need_shelter", place)])
    assert said == ["utter_need_shelter"]
    assert _followups(events) == ["resource_form"]
    slots = _slots(events)
    assert slots["check_in_after_search"] is True
    assert slots["resource_place"] == "fresno" and slots["resource_age"] == "16"


def test_a_worrying_statement_that_asks_nothing_is_asked_about_first():
    said, events = _run(ActionCheckIn(), [_worry("my moms bf is being weird w me lately", "nlu_fallback")])
    assert said == [] and _followups(events) == ["check_in_form"]
    assert not _slots(events).get("check_in_after_answer")


def test_yes_after_the_answer_does_not_answer_it_again():
    answer = {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}}
    worry = _worry("is there anywhere that takes tattoos off? he made me", "ask_tattoo_removal")
    said, events = _run(ActionCheckInResult(), [worry, answer],
                        {"check_in_answer": SAFE, "check_in_after_answer": True})
    assert said == ["utter_check_in_safe"]
    assert _slots(events)["check_in_after_answer"] is None


def test_a_worry_after_a_yes_to_the_check_in_is_answered_not_escalated():
    events = [_worry("they always say if any of us is gay were out of the house", "nlu_fallback"),
              {"event": "bot", "text": "glad", "metadata": {"utter_action": "utter_check_in_safe"}},
              _worry("what if they actually kick me out tho", "ask_running_away")]
    said, _ = _run(ActionCheckIn(), events)
    assert said == ["utter_ask_running_away"]


def _escalated_then(text: str) -> list[dict]:
    return [{"event": "user", "text": "he took my id", "parse_data": {"intent": {"name": "in_danger_now"}}},
            {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_escalate_danger"}},
            {"event": "user", "text": text, "parse_data": {"intent": {"name": "inform"}}}]


def test_a_worry_right_after_an_escalation_is_answered_not_asked_about():
    events = _escalated_then("x")
    events[-1] = _worry("is there somewhere i can go tonight he wont find me", "need_shelter")
    said, result = _run(ActionCheckIn(), events)
    # the lines again first (a new worry a moment after danger), then what they asked for
    assert said == ["utter_escalate_again", "utter_need_shelter"] and _followups(result) == ["resource_form"]


def test_escalated_lately_looks_back_a_few_messages_only():
    tracker = Tracker("s1", {}, {}, _escalated_then("im in bakersfield"), False, None, {}, "action_listen")
    assert escalated_lately(tracker)
    later = _escalated_then("a") + [{"event": "user", "text": t, "parse_data": {}} for t in ("b", "c", "d", "e")]
    assert not escalated_lately(Tracker("s1", {}, {}, later, False, None, {}, "action_listen"))


def _asked(text: str, intent: str, entities: list, slots: dict):  # type: ignore[no-untyped-def]
    message = {"event": "user", "text": text, "parse_data": {"text": text, "intent": {"name": intent},
                                                             "entities": entities}}
    return _run(ActionAnswerThenSearch(), [message], slots)


def test_a_question_about_programs_where_the_place_is_known_also_searches():
    said, events = _asked("what about job programs for him", "ask_jobs_school",
                          [{"entity": "help", "value": "education_jobs"}],
                          {"known_place": "sacramento", "known_age": "19"})
    assert said == ["utter_ask_jobs_school"] and _followups(events) == ["resource_form"]
    slots = _slots(events)
    assert slots["resource_category"] == "education_jobs" and slots["resource_place"] == "sacramento"


def test_a_question_about_a_topic_or_without_a_place_is_only_answered():
    said, events = _asked("what about job programs for him", "ask_jobs_school",
                          [{"entity": "help", "value": "education_jobs"}], {})
    assert said == ["utter_ask_jobs_school"] and _followups(events) == []
    said, events = _asked("going back to school is hard", "ask_jobs_school", [], {"known_place": "fresno"})
    assert _followups(events) == []


def test_a_topic_question_remembers_the_kind_of_help_for_a_place_said_next():
    _, events = _asked("how do i clear my record", "ask_records", [], {})
    assert _slots(events) == {"known_help": "legal"}


def test_without_a_page_the_escalation_still_counts_but_no_advocate_is_claimed():
    from bot.actions.escalation import advocate_alerted_lately

    events = [{"event": "user", "text": "my daddy gets mad if i dont make enough",
               "parse_data": {"risk": {"escalates": True, "level": "high"}}},
              {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_disclose_exploitation"}},
              {"event": "user", "text": "im 16", "parse_data": {"intent": {"name": "inform"}}}]
    tracker = Tracker("s1", {}, {}, events, False, None, {}, "action_listen")
    assert escalated_lately(tracker) and not advocate_alerted_lately(tracker)


def test_a_question_beside_where_and_how_old_is_answered_not_turned_into_a_search():
    from bot.actions.facts import _question_beside

    ranking = [{"name": "inform", "confidence": 0.42}, {"name": "report_missing", "confidence": 0.13}]
    message = {"text": "She's 17 and we're in Fresno. Does she count as missing if I know who she's with?",
               "intent_ranking": ranking}
    assert _question_beside(message) == "report_missing"
    assert _question_beside({**message, "text": "She's 17 and we're in Fresno"}) is None  # asks nothing
    unsure = [{"name": "inform", "confidence": 0.8}, {"name": "ask_records", "confidence": 0.15}]
    assert _question_beside({"text": "im in fresno can u help", "intent_ranking": unsure}) is None
    search = [{"name": "inform", "confidence": 0.5}, {"name": "find_resource", "confidence": 0.4}]
    assert _question_beside({"text": "im in fresno, anywhere to go?", "intent_ranking": search}) is None


def test_a_question_about_a_programs_rules_is_told_honestly_we_do_not_know_them():
    from bot.actions.program_questions import is_program_question

    for text in ("does it cost money", "do they need insurance", "do any of them take just girls",
                 "do any take a 17 yo without a placement order", "do i need my parents permission",
                 "wut about sunday tho", "any open sunday? can i just walk in"):
        assert is_program_question(text), text
    for text in ("oakland", "16", "food", "i need a bed", "my mom takes my money", "take me there"):
        assert not is_program_question(text), text


def test_the_search_answers_a_question_about_programs_and_asks_again():
    from bot.actions.resources import ValidateResourceForm

    message = {"event": "user", "text": "does it cost money", "parse_data": {"text": "does it cost money",
                                                                           "intent": {"name": "nlu_fallback"}}}
    tracker = Tracker("s1", {"requested_slot": "resource_place"}, message["parse_data"], [message], False, None,
                      {"name": "resource_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    slot = ValidateResourceForm().validate_resource_place("does it cost money", dispatcher, tracker, DOMAIN)
    assert slot == {"resource_place": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_program_question"]


def test_going_on_after_the_answer_is_not_read_as_an_unclear_answer():
    from bot.actions.check_in import MOVED_ON, NOT_SAFE, ValidateCheckInForm

    def answer(text: str, intent: str, after_answer: bool) -> str:
        message = {"event": "user", "text": text, "parse_data": {"text": text, "intent": {"name": intent}}}
        tracker = Tracker("s1", {"check_in_after_answer": after_answer}, message["parse_data"], [message], False,
                          None, {"name": "check_in_form"}, "action_listen")
        return ValidateCheckInForm().validate_check_in_answer(text, CollectingDispatcher(), tracker,
                                                              DOMAIN)["check_in_answer"]

    assert answer("MORE", "more", after_answer=True) == MOVED_ON
    assert answer("where can i get food", "need_food", after_answer=True) == MOVED_ON
    assert answer("MORE", "more", after_answer=False) == NOT_SAFE  # asked first: it had to be answered
    assert answer("idk", "nlu_fallback", after_answer=True) == NOT_SAFE
    assert answer("not really", "deny", after_answer=True) == NOT_SAFE


def test_more_instead_of_an_answer_turns_the_page_without_a_page():
    more = {"event": "user", "text": "MORE", "parse_data": {"text": "MORE", "intent": {"name": "more"}}}
    said, events = _run(ActionCheckInResult(), [_worry("i got nowhere to sleep tonight", "need_shelter"), more],
                        {"check_in_answer": "moved_on", "check_in_after_answer": True})
    assert said == [] and _followups(events) == ["action_more"]


def test_a_second_disclosure_gets_a_short_reply_that_still_says_it_is_not_their_fault(db_url, tmp_path):
    from bot.actions.escalation import escalate
    from tests.hotline.support import database

    database(tmp_path, url=db_url)
    first = {"event": "user", "text": "my moms bf is being weird w me",
             "parse_data": {"risk": {"escalates": True, "level": "high", "categories": ["abuse"]}}}
    second = {"event": "user", "text": "he comes in my room at night",
              "parse_data": {"risk": {"escalates": True, "level": "high", "categories": ["abuse"]}}}
    replies = []
    for events in ([first], [first, {"event": "bot", "text": "...",
                                     "metadata": {"utter_action": "utter_escalate_abuse"}}, second]):
        tracker = Tracker("sms:" + "d" * 32, {}, events[-1]["parse_data"], events, False, None, {},
                          "action_listen")
        dispatcher = CollectingDispatcher()
        asyncio.run(escalate(dispatcher, tracker, "high", ["abuse"]))
        replies.append(dispatcher.messages[0]["response"])
    assert replies == ["utter_escalate_abuse", "utter_escalate_again_disclosure"]


def _asked_the_selector(text: str, key: str, entities: list, slots: dict):  # type: ignore[no-untyped-def]
    message = {"event": "user", "text": text, "parse_data": {
        "text": text, "intent": {"name": "faq"}, "entities": entities,
        "response_selector": {"faq": {"response": {"intent_response_key": key}}}}}
    return _run(ActionAnswerThenSearch(), [message], slots)


def test_a_question_the_selector_answers_gets_its_answer_only():
    said, events = _asked_the_selector("will the cops get called", "faq/police_cps", [], {"known_place": "fresno"})
    assert said == ["utter_faq/police_cps"] and events == []


def test_someone_who_has_been_through_it_lists_survivor_programs_where_the_place_is_known():
    said, events = _asked_the_selector("can i talk to someone who been thru it too", "faq/survivor_mentors", [],
                                       {"known_place": "hemet"})
    assert said == ["utter_faq/survivor_mentors"] and _followups(events) == ["resource_form"]
    assert _slots(events)["resource_category"] == "trafficking_services"
    # "i dont want another counselor" is what this asks: it still searches.
    _, events = _asked_the_selector("i dont want another counselor, someone who gets it. im in oakland",
                                    "faq/survivor_mentors", [{"entity": "place", "value": "oakland"}], {})
    assert _followups(events) == ["resource_form"] and _slots(events)["resource_place"] == "oakland"


def test_someone_who_has_been_through_it_without_a_place_remembers_the_kind_for_the_place_said_next():
    said, events = _asked_the_selector("any survivor mentors", "faq/survivor_mentors", [], {})
    assert said == ["utter_faq/survivor_mentors"] and _slots(events) == {"known_help": "trafficking_services"}
    _, events = _asked_the_selector("i grew up in fresno, anyone who been thru it", "faq/survivor_mentors",
                                    [{"entity": "place", "value": "fresno"}], {})
    assert _followups(events) == []



def test_survivor_mentors_search_only_survivor_programs_and_only_when_someone_is_asked_for():
    # "i dont want another counselor": the counseling word is not the kind of help asked for
    _, events = _asked_the_selector(
        "is there anyone i can talk to who went thru it too, i dont want another counselor. we're in sacramento",
        "faq/survivor_mentors",
        [{"entity": "help", "value": "mental_health"}, {"entity": "place", "value": "sacramento"}], {})
    assert _slots(events)["resource_category"] == "trafficking_services"
    # becoming a mentor is not asking for one
    said, events = _asked_the_selector("how do i become a peer mentor", "faq/survivor_mentors", [],
                                       {"known_place": "oakland"})
    assert said == ["utter_faq/survivor_mentors"] and _followups(events) == []
    # and a place said next searches survivor programs, whatever was asked before
    _, events = _asked_the_selector("any survivor mentors", "faq/survivor_mentors", [],
                                    {"known_help": "caregiver_support"})
    assert _slots(events) == {"known_help": "trafficking_services"}


def test_a_young_person_gets_someone_to_talk_to_not_a_workers_secondary_trauma():
    said, _ = _asked_the_selector("i cant stop thinking about what happened to me, is that normal",
                                  "faq/vicarious_trauma", [], {})
    assert said == ["utter_need_someone_to_talk"]
    said, _ = _asked_the_selector("ER nurse here, saw a 13 yo last week and I cant get her face out of my head",
                                  "faq/vicarious_trauma", [{"entity": "role", "value": "provider"}], {})
    assert said == ["utter_faq/vicarious_trauma"]


def test_right_after_a_list_of_programs_will_they_call_my_parents_is_about_the_programs():
    """Read as Harbor's own "will the police or CPS get called": after the results it is about the shelter."""
    results = {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_resource_end"}}
    question = {"event": "user", "text": "do they call ur parents tho", "parse_data": {
        "text": "do they call ur parents tho", "intent": {"name": "faq"}, "entities": [],
        "response_selector": {"faq": {"response": {"intent_response_key": "faq/police_cps"}}}}}
    said, _ = _run(ActionAnswerThenSearch(), [results, question], {})
    assert said == ["utter_faq/program_privacy"]
    # (review) about Harbor or a line, even after the results: Harbor's own answer
    for text in ("if i call the hotline will they call the police", "does it tell anyone if i text u"):
        asked = {**question, "text": text, "parse_data": {**question["parse_data"], "text": text}}
        said, _ = _run(ActionAnswerThenSearch(), [results, asked], {})
        assert said == ["utter_faq/police_cps"], text
    # without a search before it, "they" may be Harbor's advocates: Harbor's own answer
    said, _ = _asked_the_selector("do they call ur parents tho", "faq/police_cps", [], {})
    assert said == ["utter_faq/police_cps"]
