"""Actions that use what the person already said (trackers as Rasa sends them; no server)."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.caregivers import ActionCaregiverSupport
from bot.actions.check_in import ActionCheckIn, recent_check_in
from bot.actions.facts import ActionHandleInform, ActionValidateSlotMappings
from bot.actions.resources import start_search_events


def entity(kind: str, value: str) -> dict:
    return {"entity": kind, "value": value}


def tracker(text: str, intent: str, entities: list[dict] | None = None, slots: dict | None = None,
            events: list[dict] | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    return Tracker("s1", slots or {}, latest, events or [], False, None, {}, "action_listen")


def followups(events: list[dict]) -> list[str]:
    return [e["name"] for e in events if e.get("event") == "followup"]


def slot_values(events: list[dict]) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_a_search_starts_from_what_this_message_and_earlier_ones_said():
    said_now = tracker("i need a bed in fresno", "need_shelter", [entity("place", "fresno")],
                       slots={"known_age": "16"})
    values = slot_values(start_search_events(said_now))
    assert values["resource_category"] == "emergency_shelter"
    assert values["resource_place"] == "fresno" and values["resource_age"] == "16"


def test_a_place_alone_starts_a_search_and_a_role_alone_is_thanked():
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleInform().run(dispatcher, tracker("93701", "inform", [entity("place", "93701")]),
                                                  {}))
    assert followups(events) == ["resource_form"] and dispatcher.messages == []
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionHandleInform().run(dispatcher, tracker("im her foster mom", "inform",
                                                             [entity("role", "caregiver")]), {}))
    assert dispatcher.messages[0]["response"] == "utter_inform_thanks"


def test_where_or_how_old_right_after_danger_now_gets_911_first():
    danger = {"event": "user", "text": "...", "parse_data": {"risk": {"level": "imminent", "escalates": True}}}
    worry = {"event": "user", "text": "...", "parse_data": {"risk": {"level": "high", "escalates": True}}}
    now = {"event": "user", "text": "shes 15. we're in bakersfield", "parse_data": {}}

    def replies(events: list[dict], place: bool = True) -> tuple[list[str], list[str]]:
        dispatcher = CollectingDispatcher()
        said = [entity("place", "bakersfield")] if place else []
        out = asyncio.run(ActionHandleInform().run(dispatcher, tracker(now["text"], "inform", said, events=events),
                                                   {}))
        return [m["response"] for m in dispatcher.messages], followups(out)

    assert replies([danger, now]) == (["utter_inform_after_danger"], ["resource_form"])
    assert replies([danger, now], place=False) == (["utter_inform_after_danger"], [])
    # a high-risk worry is not danger right now; three messages later it is no longer "right after"
    assert replies([worry, now]) == ([], ["resource_form"])
    assert replies([danger, now, now, now, now]) == ([], ["resource_form"])
    # said once: "shes 15", then "we're in bakersfield"
    said = {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_inform_after_danger"}}
    assert replies([danger, now, said, now]) == ([], ["resource_form"])


def test_a_place_right_after_an_answer_about_places_gets_that_answers_part_about_it():
    responses = {"utter_faq/task_forces": [{"text": "North: San Jose Task Force. Reply MORE"}],
                 "utter_faq/task_forces_2": [{"text": "South: Los Angeles Metropolitan Area Task Force."}],
                 "utter_ask_warning_signs": [{"text": "Gifts, an older boyfriend, a second phone."}]}
    asked = {"event": "user", "text": "task forces in the central valley?"}

    def handled(last: str, place: str) -> tuple[list[str], list[str]]:
        events = [asked, {"event": "bot", "metadata": {"utter_action": last}}, {"event": "user", "text": place}]
        dispatcher = CollectingDispatcher()
        out = asyncio.run(ActionHandleInform().run(
            dispatcher, tracker(f"what about {place}", "inform", [entity("place", place)], events=events),
            {"responses": responses}))
        return [m["response"] for m in dispatcher.messages], followups(out)

    assert handled("utter_faq/task_forces", "los angeles") == (["utter_faq/task_forces_2"], [])
    # the same when the classifier did not know what "What about Los Angeles?" was
    from bot.actions.suggest import ActionFallbackSuggest

    events = [asked, {"event": "bot", "metadata": {"utter_action": "utter_faq/task_forces"}}, {"event": "user"}]
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFallbackSuggest().run(dispatcher, tracker("What about Los Angeles?", "nlu_fallback", [
        entity("place", "los angeles")], events=events), {"responses": responses}))
    assert [m["response"] for m in dispatcher.messages] == ["utter_faq/task_forces_2"]
    assert handled("utter_faq/task_forces_2", "san jose") == (["utter_faq/task_forces"], [])
    # only the page just shown names it: showing it again would not help, so a search there
    assert handled("utter_faq/task_forces_2", "los angeles") == ([], ["resource_form"])
    # a place the answer does not name, or after an answer about no place: a search there
    assert handled("utter_faq/task_forces", "fresno") == ([], ["resource_form"])
    assert handled("utter_ask_warning_signs", "los angeles") == ([], ["resource_form"])


def test_who_is_asking_comes_from_words_then_stays_then_from_what_only_adults_ask():
    action = ActionValidateSlotMappings()
    dispatcher = CollectingDispatcher()

    def role(t: Tracker) -> dict:
        return asyncio.run(action.extract_role(dispatcher, t, {}))

    assert role(tracker("i'm a social worker", "inform", [entity("role", "provider")])) == {"role": "provider"}
    assert role(tracker("what are the warning signs", "ask_warning_signs", slots={"role": "provider"})) == {}
    assert role(tracker("what are the warning signs", "ask_warning_signs")) == {"role": "caregiver"}
    assert role(tracker("i need a bed", "need_shelter")) == {}


def test_a_second_worry_right_after_a_check_in_escalates_instead_of_asking_again():
    worry = {"event": "user", "text": "idk", "parse_data": {"intent": {"name": "risk_check_in"}}}
    plain = {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}}
    first = tracker("he gets mad sometimes lol", "risk_check_in", events=[plain, worry])
    assert not recent_check_in(first)
    events = asyncio.run(ActionCheckIn().run(CollectingDispatcher(), first, {}))
    assert followups(events) == ["check_in_form"]
    again = tracker("he gets mad a lot", "risk_check_in", events=[worry, plain, worry])
    assert recent_check_in(again)


def test_a_worry_that_asks_what_only_a_caregiver_asks_is_answered_not_met_with_are_you_safe():
    worried = tracker("she keeps going back to him no matter what we do", "risk_check_in")
    worried.latest_message["risk"] = {"classifier_intent": "ask_relapse", "level": "concern"}
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionCheckIn().run(dispatcher, worried, {"responses": {"utter_ask_relapse": []}}))
    assert "check_in_form" not in followups(events)
    assert dispatcher.messages[0]["response"] == "utter_ask_relapse"
    youth = tracker("my bf keeps going back on what he said", "risk_check_in", [entity("role", "youth")])
    youth.latest_message["risk"] = {"classifier_intent": "ask_relapse", "level": "concern"}
    assert followups(asyncio.run(ActionCheckIn().run(CollectingDispatcher(), youth, {}))) == ["check_in_form"]


def test_caregiver_support_lists_local_programs_only_when_the_place_is_known():
    dispatcher = CollectingDispatcher()
    known = tracker("is there support for foster parents around here", "ask_caregiver_support",
                    slots={"known_place": "stockton"})
    events = asyncio.run(ActionCaregiverSupport().run(dispatcher, known, {}))
    assert dispatcher.messages[0]["response"] == "utter_ask_caregiver_support"
    assert followups(events) == ["resource_form"]
    values = slot_values(events)
    assert values["resource_category"] == "caregiver_support" and values["resource_place"] == "stockton"
    unknown = tracker("im so tired of all this as a foster mom", "ask_caregiver_support")
    assert followups(asyncio.run(ActionCaregiverSupport().run(CollectingDispatcher(), unknown, {}))) == []


def test_after_danger_the_need_named_in_the_same_words_is_still_searched_for():
    from bot.actions.escalation import then_the_need

    sleep = tracker("just got kicked out in SF, is there anywhere to sleep", "disclose_abuse",
                    [entity("help", "emergency_shelter"), entity("place", "san francisco")])
    sleep.latest_message["risk"] = {"classifier_intent": "disclose_abuse", "escalates": True}
    events = then_the_need(sleep)
    assert followups(events) == ["resource_form"]
    assert slot_values(events)["resource_category"] == "emergency_shelter"
    assert slot_values(events)["resource_place"] == "san francisco"
    moved = tracker("my cousin drove me to stockton", "in_danger_now", [entity("place", "stockton")],
                    slots={"known_help": "emergency_shelter"})
    moved.latest_message["risk"] = {"classifier_intent": "inform", "escalates": True}
    assert slot_values(then_the_need(moved))["resource_place"] == "stockton"
    danger = tracker("he won't let me leave", "in_danger_now")
    danger.latest_message["risk"] = {"classifier_intent": "in_danger_now", "escalates": True}
    assert then_the_need(danger) == []


def test_a_youths_unsure_answer_to_are_you_safe_is_about_their_own_danger():
    from bot.actions.check_in import _not_safe_categories

    worry = {"event": "user", "text": "i left my group home 2 days ago",
             "parse_data": {"intent": {"name": "risk_check_in"}, "risk": {"categories": ["third_party"]}}}
    youth = tracker("am i in trouble", "ask_in_trouble", events=[worry], slots={"role": "youth"})
    assert _not_safe_categories(youth) == ["imminent_danger"]
    parent = tracker("idk", "deny", events=[worry], slots={"role": "caregiver"})
    assert _not_safe_categories(parent) == ["third_party"]


def _variant(name: str, role: str | None) -> str:
    import yaml

    from harbor.core.settings import DOMAIN_FILE

    for variant in yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["responses"][name]:
        roles = [c.get("value") for c in variant.get("condition") or [] if c.get("name") == "role"]
        languages = [c.get("value") for c in variant.get("condition") or [] if c.get("name") == "language"]
        if roles == ([role] if role else []) and "es" not in languages:
            return variant["text"]
    raise AssertionError(f"no {role} variant of {name}")


def test_how_old_after_a_disclosure_reassures_a_youth_and_tells_an_adult_how_to_report():
    disclosed = {"event": "user", "text": "...", "parse_data": {"risk": {"level": "high", "escalates": True}}}

    def reply(text: str, slots: dict) -> list[str]:
        now = {"event": "user", "text": text, "parse_data": {}}
        dispatcher = CollectingDispatcher()
        asyncio.run(ActionHandleInform().run(dispatcher, tracker(text, "inform", [entity("age", "16")], slots=slots,
                                                                 events=[disclosed, now]), {}))
        return [m["response"] for m in dispatcher.messages]

    about_her = "She's 16. She begged me not to tell anyone."
    for slots in ({"role": "provider", "language": "en"}, {"role": "caregiver", "language": "en"}):
        assert reply(about_her, slots) == ["utter_inform_after_disclosure"]
    assert reply("im 16", {"language": "en"}) == ["utter_inform_after_disclosure"]
    # Not about themselves, or an adult in Spanish (whose variant would be the youth's): thanked, not reassured.
    assert reply(about_her, {"language": "en"}) == ["utter_inform_thanks"]
    assert reply(about_her, {"role": "caregiver", "language": "es"}) == ["utter_inform_thanks"]
    assert "not your fault" in _variant("utter_inform_after_disclosure", None)
    for adult in ("provider", "caregiver"):
        text = _variant("utter_inform_after_disclosure", adult)
        assert "report" in text and "fault" not in text and "trouble" not in text


def test_an_age_in_words_the_classifier_did_not_understand_is_taken_as_how_old():
    from bot.actions.suggest import answer_as

    said = tracker("She's 16. She begged me not to tell anyone.", "risk_check_in", [entity("age", "16")])
    assert followups(answer_as("nlu_fallback", CollectingDispatcher(), said, {})) == ["action_handle_inform"]
    unclear = tracker("she begged me not to tell anyone", "risk_check_in")
    assert followups(answer_as("nlu_fallback", CollectingDispatcher(), unclear, {})) == ["action_fallback_suggest"]


def test_an_age_with_does_that_matter_after_the_results_searches_again_for_that_age():
    from bot.actions.suggest import ActionFallbackSuggest

    results = {"event": "bot", "text": "Here is what I found", "metadata": {"utter_action": "utter_resource_end"}}
    said = tracker("im 21 does that matter", "nlu_fallback", [entity("age", "21")],
                   slots={"known_help": "medical", "known_place": "los angeles"},
                   events=[{"event": "user", "text": "hollywood"}, results,
                           {"event": "user", "text": "im 21 does that matter"}])
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFallbackSuggest().run(dispatcher, said, {"responses": {}}))
    assert "utter_did_you_mean" not in [m.get("response") for m in dispatcher.messages]
    assert followups(events) == ["resource_form"] and slot_values(events)["resource_age"] == "21"


def test_what_about_for_another_child_after_ordinary_results_searches_again_for_their_age():
    from bot.actions.suggest import ActionFallbackSuggest

    text = "what about for his little sister, she's 12"
    results = {"event": "bot", "text": "Here is what I found", "metadata": {"utter_action": "utter_resource_end"}}
    said = tracker(text, "nlu_fallback", [entity("age", "12")],
                   slots={"known_help": "mental_health", "known_place": "salinas"},
                   events=[{"event": "user", "text": "counseling in salinas"}, results,
                           {"event": "user", "text": text}])
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFallbackSuggest().run(dispatcher, said, {"responses": {}}))
    assert followups(events) == ["resource_form"] and slot_values(events)["resource_age"] == "12"


def test_an_adult_searching_is_asked_the_young_persons_age_not_their_own():
    assert "how old are you" in _variant("utter_resource_age_after", None).lower()
    for adult in ("caregiver", "provider"):
        assert "how old is the young person" in _variant("utter_resource_age_after", adult).lower()


def test_after_a_disclosure_of_exploitation_what_do_you_have_there_searches_survivor_programs():
    from bot.actions.escalation import then_the_need

    text = "PO in kern county. my 16yo client just disclosed her cousin sells her. what do u have in bakersfield"
    disclosed = tracker(text, "report_missing", [entity("place", "bakersfield"), entity("age", "16")])
    disclosed.latest_message["risk"] = {"classifier_intent": "report_missing", "escalates": True,
                                        "categories": ["exploitation", "third_party"]}
    events = then_the_need(disclosed)
    assert followups(events) == ["resource_form"]
    assert slot_values(events)["resource_category"] == "trafficking_services"
    assert slot_values(events)["resource_place"] == "bakersfield"


def test_an_adults_question_that_names_the_place_in_passing_is_answered_not_turned_into_a_search():
    import yaml

    from harbor.core.settings import DOMAIN_FILE

    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    text = "Should I tell her social worker? We're in Perris, Riverside County"
    asked = tracker(text, "inform", [entity("place", "perris")], slots={"role": "caregiver"})
    asked.latest_message["intent_ranking"] = [{"name": "inform", "confidence": 0.3},
                                              {"name": "ask_suspect_what_to_do", "confidence": 0.25},
                                              {"name": "ask_warning_signs", "confidence": 0.2}]
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleInform().run(dispatcher, asked, domain))
    assert "resource_form" not in followups(events) and dispatcher.messages
    # A youth's place, or an adult's bare place, still starts the search.
    youth = tracker("im in perris and idk what to do can u help me", "inform", [entity("place", "perris")],
                    slots={"role": "youth"})
    assert followups(asyncio.run(ActionHandleInform().run(CollectingDispatcher(), youth, domain))) == ["resource_form"]
    bare = tracker("Perris", "inform", [entity("place", "perris")], slots={"role": "caregiver"})
    assert followups(asyncio.run(ActionHandleInform().run(CollectingDispatcher(), bare, domain))) == ["resource_form"]
    # An adult asking for programs there is searching (found by the review).
    wants = tracker("any programs out there for her? she's 14 and we're in riverside", "inform",
                    [entity("place", "riverside"), entity("age", "14")], slots={"role": "caregiver"})
    assert followups(asyncio.run(ActionHandleInform().run(CollectingDispatcher(), wants, domain))) == ["resource_form"]
    # An age beside the question and the place: answered once, not handed back and forth (found by the review).
    both = tracker("she's 15 if that matters, what should we do? we live in fresno", "inform",
                   [entity("place", "fresno"), entity("age", "15")], slots={"role": "caregiver"})
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionHandleInform().run(dispatcher, both, domain))
    assert dispatcher.messages


def test_a_plain_no_to_are_you_safe_is_danger_now_and_an_unsure_answer_is_high():
    from bot.actions.check_in import not_safe_level

    for answer in ("no", "No.", "nope", "im not", "i'm not safe", "no im not", "nah"):
        assert not_safe_level(answer) == "imminent", answer
    for answer in ("idk", "kinda", "do any of them take just girls", "not sure", "nothing happened",
                   # found by the second review: a negation that starts an unsure or safe answer
                   "im not sure", "no idea", "not really sure", "no im fine", "i am not alone",
                   "i'm not the one in danger, its my friend"):
        assert not_safe_level(answer) == "high", answer


def test_nope_or_nah_is_never_read_as_safe():
    from bot.actions.check_in import NOT_SAFE, read_answer

    for answer in ("nope", "nah im good", "nah"):
        assert read_answer(answer, "say_safe") == NOT_SAFE, answer


def test_a_youth_speaking_of_themselves_is_not_made_a_caregiver_by_what_the_classifier_read():
    """Set o: "everything i make goes back to him" was read as a caregiver's question about going back, and the
    youth got the caregiver's words ("if they may act on it now")."""
    action = ActionValidateSlotMappings()

    def role(t: Tracker) -> dict:
        return asyncio.run(action.extract_role(CollectingDispatcher(), t, {}))

    youth = tracker("i dont really see the point anymore. everything i make goes back to him anyway", "ask_relapse")
    assert role(youth) == {}
    parent = tracker("she keeps going back to him, i dont know what to do", "ask_relapse")
    assert role(parent) == {"role": "caregiver"}


def test_what_about_for_another_child_after_a_search_searches_again_for_their_age():
    from bot.actions.escalation import then_the_need

    text = "What about for his little sister, she's 12, she came with him and she's having nightmares"
    asked = tracker(text, "disclose_exploitation", [entity("age", "12")],
                    slots={"known_help": "mental_health", "known_place": "salinas"})
    asked.latest_message["risk"] = {"classifier_intent": "nlu_fallback", "escalates": True,
                                    "categories": ["third_party"]}
    events = then_the_need(asked)
    assert followups(events) == ["resource_form"]
    assert slot_values(events)["resource_category"] == "mental_health"
    assert slot_values(events)["resource_age"] == "12"
    assert slot_values(events)["resource_place"] == "salinas"
    # the same words without an earlier search are not a search
    assert then_the_need(tracker(text, "disclose_exploitation", [entity("age", "12")])) == []


def test_a_question_instead_of_a_place_is_answered_not_called_an_unknown_place():
    from bot.actions.resources import ValidateResourceForm

    asked = tracker("is what i type here private", "ask_confidentiality")
    domain = {"responses": {"utter_ask_confidentiality": [{"text": "Honest answer: private, not secret."}]}}
    dispatcher = CollectingDispatcher()
    result = ValidateResourceForm().validate_resource_place("is what i type here private", dispatcher, asked, domain)
    assert result == {"resource_place": None}
    assert [m.get("response") for m in dispatcher.messages] == ["utter_ask_confidentiality"]


def test_who_will_find_out_is_heard_in_the_messages_that_started_a_search():
    from bot.actions.resources import _worried_who_will_know

    def said(*texts: str) -> Tracker:
        return tracker(texts[-1], "inform", events=[{"event": "user", "text": t} for t in texts])

    assert _worried_who_will_know(said("can i get tested for stds without my foster mom knowing??", "95116"))
    assert _worried_who_will_know(said("is it private if i go to a clinic", "oakland", "16"))
    assert not _worried_who_will_know(said("i need a clinic", "oakland"))


def test_i_already_said_the_place_searches_again_for_what_they_were_looking_for():
    said = tracker("i already said fresno why r u asking me where", "nlu_fallback", [entity("place", "fresno")],
                   slots={"known_help": "emergency_shelter"})
    slots = slot_values(start_search_events(said))
    assert slots["resource_category"] == "emergency_shelter" and slots["resource_place"] == "fresno"
    other = tracker("fresno is hot today", "nlu_fallback", [entity("place", "fresno")],
                    slots={"known_help": "emergency_shelter"})
    assert slot_values(start_search_events(other)).get("resource_category") is None
