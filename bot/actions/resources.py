"""The resource search: ask what kind of help and where (age only when it matters), then answer
with the top 3 and keep the rest for MORE. The directory work is in resources_db/."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from bot.actions.program_questions import ANSWER as PROGRAM_ANSWER
from bot.actions.program_questions import about_the_programs, is_program_question
from harbor.core.db import session_scope
from resources_db.answers import ANY, SKIP, is_skip, read_category
from resources_db.categories import BY_CODE, SPANISH_LABELS
from resources_db.places import Place, PlaceNotFound, resolve
from resources_db.present import format_hit, format_hit_es
from resources_db.search import LOCAL, SearchQuery, search

log = logging.getLogger(__name__)

PAGE_SIZE = 3
MAX_KEPT = 12  # results kept for MORE beyond the first page
MAX_LOCAL_NAMED = 4  # local programs named again when none is left
INTENT_CATEGORY = {"need_shelter": "emergency_shelter", "need_food": "food", "need_health": "medical"}
# Needs a residential program does not meet for someone outside it: never a shelter for a clinic.
WALK_IN_NEEDS = {"food", "medical"}
SEARCH_SLOTS = ("resource_category", "resource_place", "resource_age", "resource_more")
# "fresno i said", "I already told you": the answer is what they said before.
_ALREADY_SAID = re.compile(r"\b(?:i (?:already )?(?:said|told)|already (?:said|told)|i just said|like i said|"
                           r"told (?:you|u)|said that)\b", re.IGNORECASE)


def _said(tracker: Tracker, kind: str) -> str | None:
    """The `kind` entity of the latest message (bot/nlu/facts.py)."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == kind and entity.get("value"):
            return str(entity["value"])
    return None


def _asked_again(tracker: Tracker, response: str) -> bool:
    """Did the bot's last reply before this message include `response`?"""
    passed_current = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if passed_current:
                return False
            passed_current = True
        elif passed_current and event.get("event") == "bot" and \
                (event.get("metadata") or {}).get("utter_action") == response:
            return True
    return False


def start_search_events(tracker: Tracker, intent: str | None = None) -> list[dict]:
    """Forget the last search; fill in what is already known: the kind of help from the intent or the
    words, the place and age from this message or earlier ones. The form asks only for the rest."""
    intent = intent or (tracker.latest_message.get("intent") or {}).get("name")
    events = [SlotSet(slot, None) for slot in SEARCH_SLOTS]
    category = INTENT_CATEGORY.get(intent) or _said(tracker, "help")
    if category is None and intent == "find_resource":
        category = read_category(tracker.latest_message.get("text"))
    if category is None and (intent in ("inform", "find_resource")
                             or _ALREADY_SAID.search(tracker.latest_message.get("text") or "")):
        # "help me find somewhere to stay", then a place; "i already said fresno why r u asking me where"
        category = tracker.get_slot("known_help")
    if category:
        events.append(SlotSet("resource_category", category))
    place = _said(tracker, "place") or tracker.get_slot("known_place")
    if place:
        events.append(SlotSet("resource_place", place))
    age = _said(tracker, "age") or tracker.get_slot("known_age")
    if age:
        events.append(SlotSet("resource_age", age))
    return events


def _place(text: str | None) -> Place | None:
    return None if not text or text == SKIP else resolve(text)


def _search(query: SearchQuery) -> list:
    with session_scope() as session:
        return search(session, query).hits


def _query(category: str | None, place_text: str | None, age: Any = None, gender: str | None = None) -> SearchQuery:
    return SearchQuery(
        near=_place(place_text),
        category=None if category in (None, ANY) else category,
        age=int(age) if isinstance(age, (int, float, str)) and str(age).isdigit() else None,
        gender=gender if gender in ("female", "male") else None,
        lgbtq=gender == "lgbtq",
        not_residential=category in WALK_IN_NEEDS,
        radius_miles=50.0,
    )


class ActionStartResourceSearch(Action):
    """Forget the last search; start from what the person already said (start_search_events)."""

    def name(self) -> str:
        return "action_start_resource_search"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        return start_search_events(tracker)


class ValidateResourceForm(FormValidationAction):
    def name(self) -> str:
        return "validate_resource_form"

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> list[dict]:
        """Whatever else the answer said fills its slot too: "en los angeles, tengo 17 anos" answers the
        place and the age question at once."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        filled = {e["name"] for e in events if e.get("event") == "slot"}
        for slot, kind in (("resource_place", "place"), ("resource_age", "age")):
            value = _said(tracker, kind)
            if value and slot not in filled and not tracker.get_slot(slot):
                events.append(SlotSet(slot, value))
        return events

    async def next_requested_slot(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        """The form asks for what is missing itself: left to Rasa's FormAction, the message that started the
        search ("FIND") is read as the answer to its first question."""
        missing = (slot for slot in self.domain_slots(domain) if tracker.slots.get(slot) is None)
        return SlotSet(REQUESTED_SLOT, next(missing, None))

    def validate_resource_category(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        category = read_category(value if isinstance(value, str) else None)
        if category is None and is_program_question(value if isinstance(value, str) else None):
            dispatcher.utter_message(response=PROGRAM_ANSWER)  # then the question is asked again
            return {"resource_category": None}
        if category is None and _answered_instead(dispatcher, tracker, domain):
            return {"resource_category": None}
        if category is None and _asked_again(tracker, "utter_resource_category_unknown"):
            # Twice not a kind of help: show everything near them rather than trap them in the question.
            return {"resource_category": ANY}
        if category is None:
            dispatcher.utter_message(response="utter_resource_category_unknown")
        return {"resource_category": category}

    def validate_resource_place(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = value.strip() if isinstance(value, str) else ""
        if is_skip(text):
            return {"resource_place": SKIP}
        said = _said(tracker, "place")
        if said is None and _ALREADY_SAID.search(text):
            said = tracker.get_slot("known_place")
        if said:
            return {"resource_place": said}
        if is_program_question(text):
            dispatcher.utter_message(response=PROGRAM_ANSWER)
            return {"resource_place": None}
        try:
            resolve(text)
        except PlaceNotFound as error:
            if _answered_instead(dispatcher, tracker, domain):
                # "is what i type here private", asked where they are: answered, then the place asked again.
                return {"resource_place": None}
            dispatcher.utter_message(response="utter_resource_place_unknown", reason=str(error))
            return {"resource_place": None}
        return {"resource_place": text[:80]}

class ActionSearchResources(Action):
    def name(self) -> str:
        return "action_search_resources"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        category = tracker.get_slot("resource_category")
        place_text = tracker.get_slot("resource_place")
        reset = [SlotSet(slot, None) for slot in SEARCH_SLOTS if slot != "resource_more"]
        try:
            query = _query(category, place_text, tracker.get_slot("resource_age"), tracker.get_slot("known_gender"))
            hits = await asyncio.to_thread(_search, query)
            wider = _without_affirming_only(query, hits)
            if wider is not None:
                query, hits = wider, await asyncio.to_thread(_search, wider)
        except ValueError as error:  # a refused query: its sentence quotes the person's words, never logged
            log.warning("resource search refused (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_resource_unavailable")
            return [*reset, SlotSet("resource_more", None)]
        except Exception:  # never leave the person with nothing: the hotline refers 24/7
            log.exception("resource search failed")
            dispatcher.utter_message(response="utter_resource_unavailable")
            return [*reset, SlotSet("resource_more", None)]
        place = query.near
        spanish = tracker.get_slot("language") == "es"
        if spanish:
            what = SPANISH_LABELS.get(category or "", "cualquier tipo de ayuda")
        else:
            what = BY_CODE[category].label.lower() if category in BY_CODE else "any kind of help"
        if place and not place.in_home_state:
            dispatcher.utter_message(response="utter_resource_outside", place=place.label)
        else:
            if spanish:
                where = f"cerca de {place.label}" if place else "en todo el estado y el pais"
            else:
                where = f"near {place.label}" if place else "statewide and national"
            dispatcher.utter_message(response="utter_resource_results", what=what, where=where)
            if category == "medical" and not spanish and _worried_who_will_know(tracker):
                dispatcher.utter_message(response="utter_resource_health_private")
            if is_program_question(tracker.latest_message.get("text")):
                # "what about birth control too. and does it cost money": the search, and the honest answer
                # that each program sets its own rules.
                dispatcher.utter_message(response=PROGRAM_ANSWER)
            if wider is not None and any(hit.scope == LOCAL for hit in hits):
                dispatcher.utter_message(response="utter_resource_none_affirming_near")
            if place and not any(hit.scope == LOCAL for hit in hits):
                none_near = f"utter_resource_none_local_{category}" if category in WALK_IN_NEEDS else None
                dispatcher.utter_message(response=none_near or "utter_resource_none_local")
        local = [f"{hit.name} ({hit.city})" if hit.city else hit.name for hit in hits if hit.scope == LOCAL]
        # [place, local programs...]; only the place when nothing near them was found (MORE says so again).
        remembered = SlotSet("resource_local", [place.label, *local] if place else None)
        messages = [format_hit_es(hit, number, what) if spanish else format_hit(hit, number)
                    for number, hit in enumerate(hits, start=1)]
        for message in messages[:PAGE_SIZE]:
            dispatcher.utter_message(text=message)
        rest = messages[PAGE_SIZE:PAGE_SIZE + MAX_KEPT]
        dispatcher.utter_message(response="utter_resource_more_prompt" if rest else "utter_resource_end")
        check_in = _check_in_after(tracker)
        if not check_in and _age_would_narrow(tracker, hits):
            dispatcher.utter_message(response="utter_resource_age_after")
        # What they searched for is remembered like a need they said: "anything closer in moreno valley", "what
        # about for his sister, she's 12" and "i already said fresno" search for it again.
        kept = [SlotSet("known_help", category)] if category and category != ANY else []
        return [*reset, SlotSet("resource_more", rest or None), remembered, *kept, *check_in]


# "can i get tested for stds without my foster mom knowing": who will find out is part of what they asked.
_WHO_WILL_KNOW = re.compile(r"\b(?:without (?:\w+ ){0,3}(?:knowing|finding out|find out|know)|private|privately|"
                            r"confidential|secret|(?:tell|call) my (?:mom|dad|parents?|foster)|find out)\b",
                            re.IGNORECASE)


def _worried_who_will_know(tracker: Tracker, messages: int = 3) -> bool:
    said = [e.get("text") or "" for e in reversed(tracker.events) if e.get("event") == "user"][:messages]
    return any(_WHO_WILL_KNOW.search(text) for text in said)


def _without_affirming_only(query: SearchQuery, hits: list) -> SearchQuery | None:
    """LGBTQ-affirming is what they asked to be ranked first, not a reason to send a trans youth to a
    national line when a shelter near them would take them: the same search without it, when the
    affirming-only one found nothing near them (they are told, and told they can ask)."""
    if not query.lgbtq or query.near is None or any(hit.scope == LOCAL for hit in hits):
        return None
    return dataclasses.replace(query, lgbtq=False)


ANSWER_IN_A_SEARCH_MIN = 0.5


def _answered_instead(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> bool:
    """"please dont call my mom" while the search asks what kind of help: a worry, not a kind of help. When
    the classifier is fairly sure it is a question Harbor answers, the answer comes, then the search asks
    again (instead of "Sorry, I didn't get that")."""
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    name, confidence = intent.get("name") or "", float(intent.get("confidence") or 0)
    if (not name.startswith("ask_") and name != "faq") or confidence < ANSWER_IN_A_SEARCH_MIN:
        return False
    if name == "faq":  # the response selector's pick: "utter_faq/police_cps"
        selected = ((message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        name = selected.get("intent_response_key") or ""
        if about_the_programs(message.get("text"), name):  # "will they call my social worker", mid-search
            name = "faq/program_privacy"
    response = f"utter_{name}"
    if response not in (domain.get("responses") or {}):
        return False
    dispatcher.utter_message(response=response)
    return True


def _age_would_narrow(tracker: Tracker, hits: list) -> bool:
    """Some of what was shown takes only certain ages and the age is not known (SKIP is an answer), and the age
    can narrow them: a search for a kind of help near a place, which the age reply searches again."""
    if tracker.get_slot("resource_age") or tracker.get_slot("known_age"):
        return False
    category, place = tracker.get_slot("resource_category"), tracker.get_slot("resource_place")
    if not category or category == ANY or not place or place == SKIP:
        return False
    return any(hit.minimum_age is not None or hit.maximum_age is not None for hit in hits)


def _check_in_after(tracker: Tracker) -> list[dict]:
    """A search asked for with a worrying message shows its results, then asks "are you safe right now?"."""
    if not tracker.get_slot("check_in_after_search"):
        return []
    return [SlotSet("check_in_after_search", None), SlotSet("check_in_answer", None),
            SlotSet("check_in_after_answer", True), FollowupAction("check_in_form")]


def send_more_results(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict] | None:
    """MORE after a search: the next page of results, or None when MORE is about something else."""
    waiting = tracker.get_slot("resource_more") or []
    if not waiting:
        return None
    remembered = tracker.get_slot("resource_local") or []
    if asks_for_others(tracker.latest_message.get("text")) and len(remembered) > 1 and \
            not _names_any(waiting, remembered[1:]):
        # "any others" wants more programs near them; what is left is only statewide and national lines.
        return no_other_local(dispatcher, tracker)
    page, rest = waiting[:PAGE_SIZE], waiting[PAGE_SIZE:]
    for message in page:
        dispatcher.utter_message(text=message)
    if not rest and len(remembered) > 1 and not _names_any(page, remembered[1:]):
        # The last page is statewide and national lines: end by naming the programs near them again.
        no_other_local(dispatcher, tracker)
    else:
        dispatcher.utter_message(response="utter_resource_more_prompt" if rest else "utter_resource_end")
    return [SlotSet("resource_more", rest or None)]


def _names_any(messages: list[str], programs: list[str]) -> bool:
    return any(program.split(" (")[0] in message for program in programs for message in messages)


_OTHERS = re.compile(r"\b(?:others?|other (?:ones?|places?|spots?|programs?|options?)|anything else|otros?|otras?)\b",
                     re.IGNORECASE)


def asks_for_others(text: str | None) -> bool:
    """"any others", "other places?": more programs, not the next page of whatever was said last."""
    return bool(_OTHERS.search(text or ""))


def no_other_local(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict] | None:
    """No local program is left to show: say so, name the ones near them again, and who finds others.
    The slot holds [place, names...], set only when the last search found a program near them."""
    remembered = tracker.get_slot("resource_local") or []
    if len(remembered) == 1:  # nothing of that kind near them: say so again, and who can find one
        dispatcher.utter_message(response="utter_resource_none_near_again", where=remembered[0])
        return []
    if len(remembered) < 2:
        return None
    where, names = remembered[0], remembered[1:]
    dispatcher.utter_message(response="utter_resource_no_other_local", where=where,
                             names="; ".join(names[:MAX_LOCAL_NAMED]))
    return []
