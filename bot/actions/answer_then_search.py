"""A question about a kind of program, asked where Harbor already knows the place, is also a search:
"what about job programs for him" after "...sleeping in his car in sacramento" gets what the review says
about school and jobs, then the programs near Sacramento, not a hotline number to find them.

The response selector's questions (intent faq) are answered here too: most only get their answer; asking for
someone who has been through it ("faq/survivor_mentors") also lists programs for survivors where the place is
known, and a place said next searches them."""

from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.escalation import FOR_HELPERS, is_adult
from bot.actions.facts import full_intent
from bot.actions.more import searched_lately
from bot.actions.program_questions import about_the_programs
from bot.actions.resources import start_search_events
from bot.answer_search import response_for

# The kind of program an information question is about when its words name none.
DEFAULT_CATEGORY = {"ask_jobs_school": "education_jobs", "ask_records": "legal",
                    "need_someone_to_talk": "mental_health", "faq/survivor_mentors": "trafficking_services"}
ALWAYS_THIS_KIND = ("faq/survivor_mentors",)
ANSWERED_THEN_SEARCHED = ("ask_jobs_school", "ask_records", "ask_boys_services", "ask_lgbtq_services",
                          "need_someone_to_talk")
# Asking for programs, not about a topic: "is there counseling for boys", "what about job programs".
_ASKS_FOR_PROGRAMS = re.compile(
    r"\b(?:programs?|services?|svcs?|referrals?|groups?(?! home)|places?|somewhere|anywhere|anyone|near|around here|"
    r"around there|"
    r"(?:is|are|r) there|what about|how about|where|any)\b", re.IGNORECASE)


_ASKS_FOR_SOMEONE = re.compile(r"\b(?:someone|somebody|some1|anyone|anybody|any1|mentors?|peers?|groups?|programs?|"
                               r"orgs?|organizations?|people who|ppl who|survivor[- ]led)\b", re.IGNORECASE)
_TO_BE_ONE = re.compile(r"\b(?:become|becomin|becoming|be) an? (?:peer |survivor )?(?:mentor|advocate)\b|"
                        r"\bmentor (?:younger|other|girls|kids|youth)\b", re.IGNORECASE)
_NOT_WHERE_THEY_ARE = re.compile(r"\b(?:grew up|moved (?:from|away)|used to live)\b", re.IGNORECASE)
_NOT_HERE_OR_NOT_THAT = re.compile(r"\b(?:grew up|moved|used to live|was (?:in|at)|(?:dont|don'?t|do not) "
                                   r"(?:want|need)|no (?:counselor|therapist|therapy|counseling))\b", re.IGNORECASE)


def about_the_programs_shown(tracker: Tracker, intent: str) -> bool:
    """Right after a list of programs, "do they call ur parents tho" is about those programs, not about Harbor."""
    return searched_lately(tracker.events) and about_the_programs((tracker.latest_message or {}).get("text"), intent)


def wants_programs(tracker: Tracker, intent: str) -> bool:
    message = tracker.latest_message or {}
    said = {e.get("entity"): e.get("value") for e in message.get("entities") or [] if e.get("value")}
    place = said.get("place") or tracker.get_slot("known_place")
    kind = said.get("help") or DEFAULT_CATEGORY.get(intent)
    if intent == "faq/survivor_mentors":
        # "can i talk to someone who been thru it too": the answer, then programs for survivors near them. Not where
        # they were ("i grew up in fresno"), nor "how do i become a peer mentor"; "i dont want a counselor" is
        # what this asks.
        text = message.get("text") or ""
        return bool(place and _ASKS_FOR_SOMEONE.search(text) and not _NOT_WHERE_THEY_ARE.search(text)
                    and not _TO_BE_ONE.search(text))
    if intent == "need_someone_to_talk":
        # "i need someone to talk to. my daughter was exploited last year and im not ok. stockton": a place said
        # with it asks for someone there; without one, the answer (988, a counselor) is the help. Not where they
        # were ("i grew up in fresno"), nor after "i dont want a counselor".
        text = message.get("text") or ""
        return bool(said.get("place")) and not _NOT_HERE_OR_NOT_THAT.search(text)
    return bool(place and kind and _ASKS_FOR_PROGRAMS.search(message.get("text") or ""))


class ActionAnswerThenSearch(Action):
    def name(self) -> str:
        return "action_answer_then_search"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        intent = full_intent(tracker.latest_message or {}) or ""
        if intent == "faq":  # no pick from the response selector: nothing to say but the menu
            dispatcher.utter_message(response="utter_menu")
            return []
        if intent in FOR_HELPERS and not is_adult(tracker):
            intent = "need_someone_to_talk"
        if about_the_programs_shown(tracker, intent):
            intent = "faq/program_privacy"
        dispatcher.utter_message(response=response_for(intent))
        if intent.startswith("faq/") and intent not in DEFAULT_CATEGORY:
            return []
        if not wants_programs(tracker, intent):
            # "how do i clear my record", then "im in san diego": the place is for legal help.
            kind = DEFAULT_CATEGORY.get(intent)
            # Asking for a survivor mentor names what a place said next is for, whatever was asked before.
            keep = tracker.get_slot("known_help") and intent not in ALWAYS_THIS_KIND
            return [SlotSet("known_help", kind)] if kind and not keep else []
        events = start_search_events(tracker, intent)
        if intent in ALWAYS_THIS_KIND:  # "i dont want another counselor, someone who gets it": not counseling
            events = [e for e in events if e.get("name") != "resource_category"]
        if not any(event.get("name") == "resource_category" and event.get("value") for event in events):
            events.append(SlotSet("resource_category", DEFAULT_CATEGORY[intent]))
        return [*events, FollowupAction("resource_form")]
