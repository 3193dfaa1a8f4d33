"""The resource search: ask what kind of help and where (age only when it matters), then answer
with the top 3 and keep the rest for MORE. The directory work is in resources_db/."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from resources_db.answers import ANY, SKIP, BadAge, is_skip, read_age, read_category
from resources_db.categories import BY_CODE
from resources_db.db import directory_session
from resources_db.places import Place, PlaceNotFound, resolve
from resources_db.present import format_hit
from resources_db.search import LOCAL, SearchQuery, search

log = logging.getLogger(__name__)

PAGE_SIZE = 3
MAX_KEPT = 12  # results kept for MORE beyond the first page
INTENT_CATEGORY = {"need_shelter": "emergency_shelter", "need_food": "food", "need_health": "medical"}
SEARCH_SLOTS = ("resource_category", "resource_place", "resource_age", "resource_more")


def _place(text: str | None) -> Place | None:
    return None if not text or text == SKIP else resolve(text)


def _query(category: str | None, place_text: str | None, age: Any = None) -> SearchQuery:
    return SearchQuery(
        near=_place(place_text),
        category=None if category in (None, ANY) else category,
        age=int(age) if isinstance(age, (int, float, str)) and str(age).isdigit() else None,
        radius_miles=50.0,
    )


class ActionStartResourceSearch(Action):
    """Forget the last search; take the kind of help from the message that started this one."""

    def name(self) -> str:
        return "action_start_resource_search"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        events = [SlotSet(slot, None) for slot in SEARCH_SLOTS]
        category = INTENT_CATEGORY.get(intent) or read_category(tracker.latest_message.get("text"))
        if intent != "find_resource" or category:
            events.append(SlotSet("resource_category", category))
        return events


class ValidateResourceForm(FormValidationAction):
    def name(self) -> str:
        return "validate_resource_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if "resource_age" in domain_slots and not self._age_matters(tracker):
            return [slot for slot in domain_slots if slot != "resource_age"]
        return list(domain_slots)

    @staticmethod
    def _age_matters(tracker: Tracker) -> bool:
        """Ask the age only when some of the answers depend on it."""
        category, place = tracker.get_slot("resource_category"), tracker.get_slot("resource_place")
        if not category or not place:
            return False
        try:
            with directory_session() as session:
                hits = search(session, _query(category, place)).hits
        except ValueError as error:  # PlaceNotFound, SearchError: their sentences quote the person's words
            log.warning("resource search refused while deciding whether to ask the age (%s)", type(error).__name__)
            return False
        except Exception:  # the search itself will report it; don't ask questions we can't use
            log.exception("resource search failed while deciding whether to ask the age")
            return False
        return any(hit.minimum_age is not None or hit.maximum_age is not None for hit in hits)

    def validate_resource_category(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        category = read_category(value if isinstance(value, str) else None)
        if category is None:
            dispatcher.utter_message(response="utter_resource_category_unknown")
        return {"resource_category": category}

    def validate_resource_place(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = value.strip() if isinstance(value, str) else ""
        if is_skip(text):
            return {"resource_place": SKIP}
        try:
            resolve(text)
        except PlaceNotFound as error:
            dispatcher.utter_message(response="utter_resource_place_unknown", reason=str(error))
            return {"resource_place": None}
        return {"resource_place": text[:80]}

    def validate_resource_age(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        try:
            age = read_age(value if isinstance(value, str) else None)
        except BadAge:
            dispatcher.utter_message(response="utter_resource_age_invalid")
            return {"resource_age": None}
        return {"resource_age": str(age)}


class ActionSearchResources(Action):
    def name(self) -> str:
        return "action_search_resources"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        category = tracker.get_slot("resource_category")
        place_text = tracker.get_slot("resource_place")
        reset = [SlotSet(slot, None) for slot in SEARCH_SLOTS if slot != "resource_more"]
        try:
            query = _query(category, place_text, tracker.get_slot("resource_age"))
            with directory_session() as session:
                hits = search(session, query).hits
        except ValueError as error:  # a refused query: its sentence quotes the person's words, never logged
            log.warning("resource search refused (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_resource_unavailable")
            return [*reset, SlotSet("resource_more", None)]
        except Exception:  # never leave the person with nothing: the hotline refers 24/7
            log.exception("resource search failed")
            dispatcher.utter_message(response="utter_resource_unavailable")
            return [*reset, SlotSet("resource_more", None)]
        place = query.near
        what = BY_CODE[category].label.lower() if category in BY_CODE else "any kind of help"
        if place and not place.in_home_state:
            dispatcher.utter_message(response="utter_resource_outside", place=place.label)
        else:
            where = f"near {place.label}" if place else "statewide and national"
            dispatcher.utter_message(response="utter_resource_results", what=what, where=where)
            if place and not any(hit.scope == LOCAL for hit in hits):
                dispatcher.utter_message(response="utter_resource_none_local")
        messages = [format_hit(hit, number) for number, hit in enumerate(hits, start=1)]
        for message in messages[:PAGE_SIZE]:
            dispatcher.utter_message(text=message)
        rest = messages[PAGE_SIZE:PAGE_SIZE + MAX_KEPT]
        dispatcher.utter_message(response="utter_resource_more_prompt" if rest else "utter_resource_end")
        return [*reset, SlotSet("resource_more", rest or None)]


def send_more_results(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict] | None:
    """MORE after a search: the next page of results, or None when MORE is about something else."""
    waiting = tracker.get_slot("resource_more") or []
    if not waiting:
        return None
    for message in waiting[:PAGE_SIZE]:
        dispatcher.utter_message(text=message)
    rest = waiting[PAGE_SIZE:]
    dispatcher.utter_message(response="utter_resource_more_prompt" if rest else "utter_resource_end")
    return [SlotSet("resource_more", rest or None)]
