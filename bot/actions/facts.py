"""What the person already told us: who is asking (the `role` slot), and a message that only gives a
place, an age or who they are. The facts themselves come from bot/nlu/facts.py as entities."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.after_danger import AFTER_DANGER, danger_lately
from bot.actions.escalation import escalated_lately
from bot.actions.follow_ups import page_about_place
from bot.actions.more import searched_lately
from bot.actions.questions import asks_a_question
from bot.actions.resources import start_search_events

CAREGIVER, PROVIDER = "caregiver", "provider"
# What only an adult around a youth asks; a provider's words ("my client") still win.
ROLE_BY_INTENT = {
    "ask_warning_signs": CAREGIVER, "ask_suspect_what_to_do": CAREGIVER, "ask_how_to_talk": CAREGIVER,
    "ask_youth_returned": CAREGIVER, "ask_relapse": CAREGIVER, "ask_caregiver_support": CAREGIVER,
    "report_missing": CAREGIVER, "faq/placement_refusal": CAREGIVER, "faq/mandated_reporting": CAREGIVER,
    "ask_screening_tools": PROVIDER, "ask_continuum_of_care": PROVIDER, "ask_trauma_informed": PROVIDER,
    "ask_therapy_models": PROVIDER, "ask_promising_components": PROVIDER,
    "ask_safety_planning_practice": PROVIDER, "ask_share_chat": PROVIDER, "faq/tool_cans_cse": PROVIDER,
    "faq/tool_rapid_screening": PROVIDER, "faq/tool_htiam": PROVIDER, "faq/tool_headss": PROVIDER,
    "faq/stages_of_change": PROVIDER,
}


def entity_value(message: dict[str, Any], kind: str) -> str | None:
    """The first value of entity `kind` in a parsed message."""
    for entity in message.get("entities") or []:
        if entity.get("entity") == kind and entity.get("value"):
            return str(entity["value"])
    return None


def full_intent(message: dict[str, Any]) -> str | None:
    """The intent, with the retrieval key for questions the response selector answers ("faq/tool_htiam")."""
    intent = (message.get("intent") or {}).get("name")
    selected = ((message.get("response_selector") or {}).get(intent or "") or {}).get("response") or {}
    return selected.get("intent_response_key") or intent


def implied_role(message: dict[str, Any]) -> str | None:
    """What only an adult asks implies one. A worrying message's intent is the risk layer's
    (risk_check_in, a disclosure): what the classifier read in it is kept beside the risk."""
    if _ONLY_OF_THEMSELVES.search(message.get("text") or "") and not _OF_SOMEONE_ELSE.search(message.get("text") or ""):
        # "i dont see the point anymore. everything i make goes back to him": read as a question about going
        # back, but said of themselves; a caregiver's variant of the reply would talk past them.
        return None
    asked = ((message.get("risk") or {}).get("classifier_intent") or "")
    if asked == "faq":
        asked = full_intent({**message, "intent": {"name": "faq"}}) or ""
    return ROLE_BY_INTENT.get(full_intent(message) or "") or ROLE_BY_INTENT.get(asked)


_ONLY_OF_THEMSELVES = re.compile(r"\b(?:i|im|i'm|me|my|myself)\b", re.IGNORECASE)
# "him" is left out: in a young person's words he is often the one exploiting them.
_OF_SOMEONE_ELSE = re.compile(r"\b(?:she|he|they|she's|he's|shes|hes|her|his|their|them|our|kids?|child|children|"
                              r"daughter|son|student|client|youth|teens?)\b", re.IGNORECASE)


class ActionValidateSlotMappings(ValidationAction):
    """Runs after every message: who is asking, from their words, else kept, else from what they ask."""

    async def extract_role(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> dict[str, Any]:
        said = entity_value(tracker.latest_message, "role")
        if said:
            return {"role": said}
        if tracker.get_slot("role"):
            return {}
        implied = implied_role(tracker.latest_message)
        return {"role": implied} if implied else {}


# The classifier's confidence in the question after "inform": at least this, and at least this share of
# its confidence in "inform" (a message that mostly says where or how old is not mainly a question).
QUESTION_BESIDE_MIN, QUESTION_BESIDE_SHARE = 0.1, 0.25
ANSWERS_A_QUESTION = ("report_missing",)


def _question_beside(message: dict[str, Any]) -> str | None:
    """The question a message asks beside where or how old, when its words ask one and the classifier's
    next guess after inform is a question it is fairly sure of."""
    if not asks_a_question(message.get("text")):
        return None
    ranking = message.get("intent_ranking") or []
    inform = max((float(r.get("confidence") or 0) for r in ranking if r.get("name") == "inform"), default=0.0)
    for ranked in ranking:
        name = ranked.get("name") or ""
        if name in ("inform", "nlu_fallback", "risk_check_in"):
            continue
        confidence = float(ranked.get("confidence") or 0)
        sure = confidence >= QUESTION_BESIDE_MIN and confidence >= QUESTION_BESIDE_SHARE * inform
        question = (name.startswith("ask_") and name != "ask_crisis_numbers") or name in ANSWERS_A_QUESTION
        return name if sure and question else None
    return None


_ABOUT_SOMEONE_ELSE = re.compile(r"^\s*(?:she|he|they|shes|hes|she's|he's|she is|he is|my \w+)\b", re.IGNORECASE)


def _reassure_or_advise(tracker: Tracker) -> bool:
    """After a disclosure: a youth is told they are not in trouble, an adult how to report it and how to talk with
    the young person (role variants). Not when that would miss: a Spanish-speaking adult (the Spanish variant is
    the youth's), or "she's 16" from someone who has not said who they are (it is not about themselves)."""
    if not escalated_lately(tracker):
        return False
    role = tracker.get_slot("role")
    if role in ("caregiver", "provider"):
        return tracker.get_slot("language") != "es"
    return role == "youth" or not _ABOUT_SOMEONE_ELSE.match(tracker.latest_message.get("text") or "")


class ActionHandleInform(Action):
    """A message that only tells where, how old or who: a place starts a search (what kind of help is
    asked next, unless they said); anything else is thanked and answered with what Harbor can do."""

    def name(self) -> str:
        return "action_handle_inform"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        danger = danger_lately(tracker)
        if danger:
            # "shes 15. we're in bakersfield" right after "he won't let her leave": 911 first, then the rest.
            dispatcher.utter_message(response=AFTER_DANGER)
        asked = _question_beside(tracker.latest_message)
        if asked and not entity_value(tracker.latest_message, "help"):
            # "She's 17 and we're in Fresno. Does she count as missing...?": the question is what they came
            # with; where and how old are kept for later.
            from bot.actions.suggest import answer_as

            return answer_as(asked, dispatcher, tracker, domain)
        place = entity_value(tracker.latest_message, "place")
        if place and not danger:
            from bot.actions.suggest import adult_question_beside_a_place, suggest

            if adult_question_beside_a_place(tracker):
                return await suggest(dispatcher, tracker, domain, via_inform=True)
        if place:
            follow_up = not danger and not entity_value(tracker.latest_message, "help")
            page = page_about_place(place, tracker.events, domain.get("responses") or {}) if follow_up else None
            if page:
                dispatcher.utter_message(response=page)
                return []
            return [*start_search_events(tracker), FollowupAction("resource_form")]
        if entity_value(tracker.latest_message, "age") and searched_lately(tracker.events) \
                and tracker.get_slot("known_help"):
            # "19", a moment after the results: the same search again, for their age.
            return [*start_search_events(tracker, "inform"), FollowupAction("resource_form")]
        if not danger:
            dispatcher.utter_message(response="utter_inform_after_disclosure" if _reassure_or_advise(tracker)
                                     else "utter_inform_thanks")
        return []
