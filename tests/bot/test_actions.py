"""Custom actions against trackers as Rasa sends them (fast: no server, no model)."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.more import ActionMore, last_response_name
from bot.actions.safety_plan import ActionShowSafetyPlan, ValidateSafetyPlanForm


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}


def bot(response: str) -> dict:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


def tracker(events: list[dict], slots: dict | None = None, text: str | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": "x"}} if text is not None else {}
    return Tracker("s1", slots or {}, latest, events, False, None, {}, "action_listen")


DOMAIN = {"responses": {name: [{"text": name}] for name in [
    "utter_a", "utter_a_2", "utter_a_3", "utter_b", "utter_no_more"]}}


def run(action, t: Tracker, domain: dict = DOMAIN) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, domain))
    return dispatcher.messages, events


def test_more_sends_the_next_page_then_says_no_more():
    history = [user("warning signs", "q"), bot("utter_a"), user("more", "more")]
    messages, _ = run(ActionMore(), tracker(history))
    assert messages[0]["response"] == "utter_a_2"
    history += [bot("utter_a_2"), user("more", "more")]
    assert run(ActionMore(), tracker(history))[0][0]["response"] == "utter_a_3"
    history += [bot("utter_a_3"), user("more", "more")]
    assert run(ActionMore(), tracker(history))[0][0]["response"] == "utter_no_more"


def test_more_after_a_single_page_answer_says_no_more():
    history = [user("a", "q"), bot("utter_a"), user("b", "q"), bot("utter_b"), user("more", "more")]
    assert run(ActionMore(), tracker(history))[0][0]["response"] == "utter_no_more"


def test_more_after_a_question_between_returns_to_the_waiting_search_results():
    history = [user("food in oakland", "need_food"), bot("utter_resource_more_prompt"),
               user("do i need id", "q"), bot("utter_b"), user("more", "more")]
    messages, events = run(ActionMore(), tracker(history, slots={"resource_more": ["4) Pantry", "5) Kitchen"]}))
    assert [m.get("text") for m in messages[:2]] == ["4) Pantry", "5) Kitchen"]
    assert {"event": "slot", "name": "resource_more", "value": None, "timestamp": None} in events


def test_any_others_when_only_national_lines_are_left_names_the_local_programs_again():
    history = [user("bed in LA", "need_shelter"), bot("utter_resource_more_prompt"),
               user("can i call for him", "q"), bot("utter_a"), user("any others", "more")]
    slots = {"resource_more": ["3) National Human Trafficking Hotline (national): 24/7 help."],
             "resource_local": ["Los Angeles, CA", "Children of the Night (Van Nuys)"]}
    messages, _ = run(ActionMore(), tracker(history, slots=slots, text="any others"))
    assert messages[0]["response"] == "utter_resource_no_other_local"
    assert messages[0]["names"] == "Children of the Night (Van Nuys)" and messages[0]["where"] == "Los Angeles, CA"
    # plain MORE still turns the page of the answer just given
    messages, _ = run(ActionMore(), tracker(history, slots=slots, text="more"))
    assert messages[0]["response"] == "utter_a_2"


def test_more_at_the_start_of_a_conversation():
    assert run(ActionMore(), tracker([user("more", "more")]))[0][0]["response"] == "utter_no_more"


def test_last_response_ignores_the_current_message():
    assert last_response_name([bot("utter_a"), user("more", "more")]) == "utter_a"
    assert last_response_name([{"event": "bot", "text": "no metadata"}, user("m", "more")]) is None


def test_show_plan_without_a_plan():
    messages, _ = run(ActionShowSafetyPlan(), tracker([]))
    assert messages[0]["response"] == "utter_no_safety_plan"


def test_show_plan_fills_skipped_answers():
    slots = {"plan_place": "the library", "plan_person": None, "plan_number": "(skipped)",
             "plan_code_word": "pineapple"}
    messages, _ = run(ActionShowSafetyPlan(), tracker([], slots))
    assert messages[0]["response"] == "utter_safety_plan"
    assert messages[0]["plan_person"] == "(skipped)"
    assert messages[0]["plan_place"] == "the library"


def test_form_validation_cleans_answers():
    validator = ValidateSafetyPlanForm()
    assert validator.validate_plan_place("skip", None, None, None) == {"plan_place": "(skipped)"}
    assert validator.validate_plan_code_word(" bluebird ", None, None, None) == {
        "plan_code_word": "bluebird"}


def _risky_tracker(risk: dict, sender: str = "youth-1") -> Tracker:
    latest = {"text": "...", "intent": {"name": "in_danger_now"}, "risk": risk}
    return Tracker(sender, {}, latest, [], False, None, {}, "action_listen")


def test_escalate_writes_the_escalation_then_replies(tmp_path, monkeypatch):
    from sqlalchemy import select

    from bot.actions.escalation import ActionEscalate
    from harbor.core.db import session_factory
    from hotline.models import Escalation
    from tests.hotline.support import database

    database(tmp_path)  # a roster with someone on call
    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    risk = {"escalates": True, "level": "imminent", "categories": ["imminent_danger"]}
    messages, _ = run(ActionEscalate(), _risky_tracker(risk))
    assert messages[0]["response"] == "utter_escalate_danger"
    with session_factory(url)() as session:
        [escalation] = session.scalars(select(Escalation)).all()
        assert escalation.conversation_id == "youth-1" and escalation.level == "imminent"


def test_after_a_youths_first_disclosure_harbor_asks_if_they_are_safe_right_now(tmp_path, monkeypatch):
    from bot.actions.escalation import ActionEscalate
    from tests.hotline.support import database

    database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'hotline.db'}")
    risk = {"escalates": True, "level": "high", "categories": ["exploitation"]}
    messages, events = run(ActionEscalate(), _risky_tracker(risk))
    assert [m["response"] for m in messages] == ["utter_escalate_exploitation"]
    assert [e["name"] for e in events if e.get("event") == "followup"] == ["check_in_form"]
    assert {"name": "check_in_after_answer", "value": True} in [
        {"name": e["name"], "value": e["value"]} for e in events if e.get("event") == "slot"]
    # Not an adult telling about a young person, not about someone else, not in the middle of a form.
    adult = _risky_tracker(risk, "caregiver-1")
    adult.slots["role"] = "caregiver"
    third = _risky_tracker({**risk, "categories": ["exploitation", "third_party"]}, "friend-1")
    third.latest_message["text"] = "i think my friend is being trafficked"  # "i", but about someone else
    in_a_form = _risky_tracker(risk, "youth-2")
    in_a_form.active_loop = {"name": "resource_form"}
    danger_now = _risky_tracker({**risk, "level": "imminent", "categories": ["imminent_danger"]}, "youth-3")
    for quiet in (adult, third, in_a_form, danger_now):
        assert [e for e in run(ActionEscalate(), quiet)[1] if e.get("event") == "followup"] == []


def test_escalate_then_answers_the_question_asked_in_the_same_message(tmp_path, monkeypatch, domain):
    from bot.actions.escalation import ActionEscalate
    from tests.hotline.support import database

    database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'hotline.db'}")
    # "she keeps going back to him, nothing works": escalated, and what to know about going back follows.
    risk = {"escalates": True, "level": "high", "categories": ["exploitation"], "classifier_intent": "ask_relapse"}
    messages, events = run(ActionEscalate(), _risky_tracker(risk), domain)
    assert [m["response"] for m in messages] == ["utter_escalate_exploitation", "utter_ask_relapse"]
    # and a place said next ("We're in Torrance if that matters") searches the programs that fit what was told
    assert {"event": "slot", "name": "known_help", "value": "trafficking_services"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events]
    # a statement the response selector would still pick an answer for gets none; a question does
    faq = {"escalates": True, "level": "high", "categories": ["abuse"], "classifier_intent": "faq"}
    selected = {"faq": {"response": {"intent_response_key": "faq/harm_reduction"}}}
    asked = ["utter_escalate_abuse", "utter_faq/harm_reduction"]
    for text, replies in (("the staff r just mean and i hate it", ["utter_escalate_abuse"]),
                          ("he hits me. will the police take me away?", asked)):
        said = _risky_tracker(faq)
        said.latest_message.update(text=text, response_selector=selected)
        messages, _ = run(ActionEscalate(), said, {"responses": {"utter_faq/harm_reduction": [{"text": "..."}]}})
        assert [m["response"] for m in messages] == replies
    # a young person's own trauma after the crisis reply: not the answer written for workers
    trauma = {"escalates": True, "level": "high", "categories": ["exploitation"], "classifier_intent": "faq"}
    said = _risky_tracker(trauma)
    said.latest_message.update(text="i was trafficked and now i cant sleep, is this normal",
                               response_selector={"faq": {"response": {"intent_response_key": "faq/vicarious_trauma"}}})
    messages, _ = run(ActionEscalate(), said, {"responses": {"utter_faq/vicarious_trauma": [{"text": "..."}]}})
    assert [m["response"] for m in messages] == ["utter_escalate_exploitation"]
    from bot.actions.questions import asks_a_question

    for question in ("my dad hits me what do i do", "he hits me where can i go", "will they take me away?"):
        assert asks_a_question(question), question
    for statement in ("can't sleep he keeps coming in my room", "who cares he hit me again",
                      "i dont know what to do", "the staff r just mean and i hate it",
                      # the review: "also" and a closing "right" in a statement
                      "my boyfriend also does the thing where he takes my phone",
                      "he takes all the money and says i owe him, and he's right", "i cant do anything right"):
        assert not asks_a_question(statement), statement
    # the crisis lines or a missing child: the escalation reply is the answer, said once
    for asked, reply in (("ask_crisis_numbers", "utter_escalate_danger"), ("report_missing", "utter_escalate_missing")):
        risk = {"escalates": True, "level": "imminent", "categories": ["imminent_danger"], "classifier_intent": asked}
        messages, _ = run(ActionEscalate(), _risky_tracker(risk), domain)
        assert [m["response"] for m in messages] == [reply]


def test_escalate_without_a_database_still_gives_the_crisis_line(monkeypatch):
    from bot.actions.escalation import ActionEscalate

    monkeypatch.setenv("DATABASE_URL", "sqlite:////proc/no/such/dir/h.db")
    risk = {"escalates": True, "level": "high", "categories": ["self_harm"]}
    messages, _ = run(ActionEscalate(), _risky_tracker(risk))
    assert messages[0]["response"] == "utter_self_harm"  # no promise that an advocate was told
    # abuse: the abuse reply without the promise, not the self-harm one ("if you already hurt yourself")
    messages, _ = run(ActionEscalate(), _risky_tracker({**risk, "categories": ["abuse"]}))
    assert messages[0]["response"] == "utter_abuse"


def test_escalate_when_the_risk_does_not_escalate_gives_numbers_only():
    from bot.actions.escalation import ActionEscalate

    messages, _ = run(ActionEscalate(), _risky_tracker({"escalates": False, "level": "concern"}))
    assert messages[0]["response"] == "utter_crisis_numbers"


def test_escalate_with_nobody_on_call_does_not_promise_a_person(tmp_path, monkeypatch, caplog):
    from sqlalchemy import select

    from bot.actions.escalation import ActionEscalate
    from harbor.core.db import session_factory
    from hotline.models import Escalation

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    risk = {"escalates": True, "level": "high", "categories": ["exploitation"]}
    messages, _ = run(ActionEscalate(), _risky_tracker(risk))
    assert messages[0]["response"] == "utter_disclose_exploitation"
    assert "NO ADVOCATE ON CALL" in caplog.text
    with session_factory(url)() as session:
        assert len(session.scalars(select(Escalation)).all()) == 1  # still written, for the queue


def test_escalate_in_a_page_storm_writes_the_escalation_but_does_not_promise_a_person(tmp_path, monkeypatch,
                                                                                      caplog):
    from sqlalchemy import select

    from bot.actions.escalation import ActionEscalate
    from harbor.core.db import session_factory
    from hotline.models import Escalation, Page
    from tests.hotline.support import database

    database(tmp_path)
    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("HARBOR_PAGE_STORM_PER_MINUTE", "1")  # the second new escalation in a minute is a storm
    # High, not imminent: danger right now is never held (tests/hotline/test_page_storm.py).
    risk = {"escalates": True, "level": "high", "categories": ["imminent_danger"]}
    first, _ = run(ActionEscalate(), _risky_tracker(risk, sender="sms:0a1b2c"))
    assert first[0]["response"] == "utter_escalate_danger"
    second, _ = run(ActionEscalate(), _risky_tracker(risk, sender="sms:3d4e5f"))
    assert second[0]["response"] == "utter_in_danger_now"  # the crisis line, without "an advocate was alerted"
    again, _ = run(ActionEscalate(), _risky_tracker(risk, sender="sms:3d4e5f"))
    assert again[0]["response"] == "utter_in_danger_now"  # still held: still no promise
    assert "page storm" in caplog.text and "NO ADVOCATE ON CALL" not in caplog.text
    with session_factory(url)() as session:
        assert [e.conversation_id for e in session.scalars(select(Escalation).order_by(Escalation.id))] == [
            "sms:0a1b2c", "sms:3d4e5f"]  # both in the queue
        held = session.scalars(select(Page).where(Page.status == "held")).all()
        assert [p.escalation.conversation_id for p in held] == ["sms:3d4e5f"]


def test_after_a_disclosure_a_place_said_next_is_for_the_programs_that_fit_it(tmp_path, monkeypatch):
    """"We're in Torrance if that matters" after a parent's disclosure: programs for trafficking survivors there."""
    from bot.actions.escalation import ActionEscalate
    from tests.hotline.support import database

    database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'hotline.db'}")

    def help_set(risk: dict, slots: dict | None = None) -> list:
        t = _risky_tracker(risk, "parent-1")
        t.slots.update(slots or {})
        return [e["value"] for e in run(ActionEscalate(), t)[1] if e.get("name") == "known_help"]

    third = {"escalates": True, "level": "high", "categories": ["exploitation", "third_party"]}
    assert help_set(third) == ["trafficking_services"]
    assert help_set({"escalates": True, "level": "high", "categories": ["self_harm"]}) == ["mental_health"]
    assert help_set({"escalates": True, "level": "imminent", "categories": ["imminent_danger"]}) == []
    assert help_set(third, {"known_help": "food"}) == []  # what they were already looking for stays


def test_a_caregiver_asking_for_support_before_saying_where_gets_caregiver_programs_for_the_place():
    from bot.actions.caregivers import ActionCaregiverSupport

    t = tracker([user("is there help for ME", "ask_caregiver_support")], text="is there help for ME")
    messages, events = run(ActionCaregiverSupport(), t)
    assert messages[0]["response"] == "utter_ask_caregiver_support"
    assert [(e["name"], e["value"]) for e in events] == [("known_help", "caregiver_support")]


def test_someone_to_talk_to_near_a_place_said_with_it_lists_counseling_there_and_not_where_they_were():
    from bot.actions.answer_then_search import wants_programs

    def wants(text: str) -> bool:
        place = [{"entity": "place", "value": "stockton"}]
        t = Tracker("s1", {}, {"text": text, "intent": {"name": "need_someone_to_talk"}, "entities": place}, [],
                    False, None, {}, "action_listen")
        return wants_programs(t, "need_someone_to_talk")

    assert wants("i need someone to talk to. my daughter was exploited last year and im not ok. stockton")
    assert not wants("i grew up in stockton, i just need someone to talk to")
    assert not wants("i dont want a counselor i just want to talk. im in stockton")
