"""A fallback that helps. First: "Did you mean 1) A or 2) B?" with the classifier's two best guesses
(numbers by SMS, buttons in web chat). Then, if the next message is unclear too, or the guesses are
weak: a full-text search over every answer and its examples (bot/answer_search.py). Only then the menu.
What each guess is called comes from bot/topics.yml."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.follow_ups import page_about_place
from bot.actions.questions import WHAT_ABOUT
from bot.actions.resources import INTENT_CATEGORY, start_search_events
from bot.answer_search import AnswerIndex, build_index, response_for

TOPICS_FILE = Path(__file__).resolve().parents[1] / "topics.yml"
MIN_GUESS = 0.08  # below this the classifier is guessing blind: go straight to the search
_INDEX: dict[str, AnswerIndex] = {}


@lru_cache(maxsize=1)
def topics() -> dict[str, str]:
    return yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))["topics"]


def full_name(ranked: dict[str, Any], message: dict[str, Any]) -> str:
    """faq guesses carry their answer's key ("faq/tool_htiam")."""
    name = ranked.get("name") or ""
    if name == "faq":
        selected = ((message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        return selected.get("intent_response_key") or name
    return name


def guesses(message: dict[str, Any]) -> list[str]:
    """The two best intents a person could mean, that Harbor can name."""
    found = []
    for ranked in message.get("intent_ranking") or []:
        name = full_name(ranked, message)
        if name in topics() and (ranked.get("confidence") or 0.0) >= MIN_GUESS and name not in found:
            found.append(name)
        if len(found) == 2:
            break
    return found


def index(domain: DomainDict) -> AnswerIndex:
    responses = domain.get("responses") or {}
    answerable = {response_for(intent) for intent in topics()} & set(responses)
    key = ",".join(sorted(answerable))
    if key not in _INDEX:
        _INDEX.clear()
        _INDEX[key] = build_index(responses, answerable)
    return _INDEX[key]


def answer_as(intent: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
    """Answer as if the person had asked `intent` in so many words."""
    if intent == "faq":
        selected = ((tracker.latest_message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        intent = selected.get("intent_response_key") or intent
    if intent in INTENT_CATEGORY or intent == "find_resource":
        if intent in INTENT_CATEGORY:
            dispatcher.utter_message(response=response_for(intent))
        return [*start_search_events(tracker, intent), FollowupAction("resource_form")]
    if intent == "create_safety_plan":
        dispatcher.utter_message(response="utter_safety_plan_intro")
        return [FollowupAction("safety_plan_form")]
    if intent == "ask_caregiver_support":
        return [FollowupAction("action_caregiver_support")]
    if intent == "show_safety_plan":
        return [FollowupAction("action_show_safety_plan")]
    if intent == "inform":  # "he's 15, we live in Hanford": where and how old, as ActionHandleInform takes it
        return [FollowupAction("action_handle_inform")]
    if response_for(intent) in (domain.get("responses") or {}):
        dispatcher.utter_message(response=response_for(intent))
        return []
    if intent == "nlu_fallback" and any(e.get("entity") == "age" for e in tracker.latest_message.get("entities") or []):
        # "She's 16. She begged me not to tell anyone.": how old is what Harbor can use.
        return [FollowupAction("action_handle_inform")]
    if intent == "nlu_fallback":  # not understood: the same help as any message not understood
        return [FollowupAction("action_fallback_suggest")]
    dispatcher.utter_message(response="utter_fallback")
    return []


# "shes 15 if that matters", "im 21 does that matter": the age is the message; the rest asks whether it counts.
_ABOUT_THE_AGE = re.compile(r"\b(?:if|does|do|would|will|should|could)\s+(?:that|it|my age|her age|his age)\s+"
                            r"(?:matters?|counts?|change|changes|make a difference)\b|\bif (?:that|it) helps\b|"
                            r"\b(?:i|like i) (?:already )?(?:said|told (?:you|u))\b", re.IGNORECASE)


def adult_question_beside_a_place(tracker: Tracker) -> bool:
    """"Should I tell her social worker? We're in Perris": an adult's question that names where they are in
    passing, and no kind of help. The question is what they came with, not a search ("what kind of help?")."""
    from bot.actions.questions import asks_a_question

    message = tracker.latest_message or {}
    said = {e.get("entity"): e.get("value") for e in message.get("entities") or [] if e.get("value")}
    role = said.get("role") or tracker.get_slot("role")
    text = message.get("text") or ""
    return ("place" in said and "help" not in said and role in ("caregiver", "provider")
            and asks_a_question(text) and len(text.split()) > 6 and not _ASKS_FOR_PROGRAMS.search(text))


# "any programs out there for her? ... we're in riverside", "what is there for my foster son in fresno": a search.
_ASKS_FOR_PROGRAMS = re.compile(r"\b(?:programs?|services?|resources?|places?|shelters?|somewhere|anywhere|"
                                r"what(?:'s| is) (?:there|out there|available)|any ?thing (?:for|near|in|around))\b",
                                re.IGNORECASE)


class ActionFallbackSuggest(Action):
    def name(self) -> str:
        return "action_fallback_suggest"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        return await suggest(dispatcher, tracker, domain)


async def suggest(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  via_inform: bool = False) -> list[dict]:
    """Did you mean A or B; else the answer whose words are nearest; else the menu. `via_inform`: called by
    ActionHandleInform for an adult's question, which must not hand an age back to it."""
    message = tracker.latest_message
    said = {e.get("entity"): e.get("value") for e in message.get("entities") or [] if e.get("value")}
    page = (page_about_place(str(said["place"]), tracker.events, domain.get("responses") or {})
            if "place" in said and "help" not in said else None)
    if page:  # "What about Los Angeles?" right after the task forces answer
        dispatcher.utter_message(response=page)
        return [SlotSet("suggested", None)]
    place_in_passing = adult_question_beside_a_place(tracker)
    if ("place" in said or "help" in said) and not place_in_passing:
        # "hi im in fresno and i need help", "can u help me find somewhere to stay": a search, whatever
        # the classifier made of the rest.
        return [SlotSet("suggested", None), *start_search_events(tracker, "find_resource"),
                FollowupAction("resource_form")]
    from bot.actions.more import searched_lately
    from bot.actions.program_questions import ANSWER, is_program_question

    if searched_lately(tracker.events) and is_program_question(message.get("text")):
        dispatcher.utter_message(response=ANSWER)  # "do any of them take just girls", after the results
        return [SlotSet("suggested", None)]
    text = message.get("text") or ""
    if not via_inform and "age" in said and (len(text.split()) <= 3 or _ABOUT_THE_AGE.search(text)
                                             or WHAT_ABOUT.search(text)):
        # "19" after a search, or "im 16": how old they are, taken as that (ActionHandleInform).
        # Run here, not as a follow-up action: no rule follows a fallback with it, so after its reply the
        # policy would be lost ("Sorry, I lost track there").
        from bot.actions.facts import ActionHandleInform

        return [SlotSet("suggested", None), *await ActionHandleInform().run(dispatcher, tracker, domain)]
    already_asked = bool(tracker.get_slot("suggested"))
    options = guesses(message)
    if not already_asked and len(options) == 2:
        first, second = (topics()[o] for o in options)
        dispatcher.utter_message(response="utter_did_you_mean", first=first, second=second,
                                 buttons=[{"title": first, "payload": "1"}, {"title": second, "payload": "2"}])
        return [SlotSet("suggested", options)]
    found = index(domain).search(message.get("text") or "")
    if found is not None:
        dispatcher.utter_message(response="utter_found_answer")
        dispatcher.utter_message(response=found.response)
    elif place_in_passing:  # no answer to their question: the place is all Harbor can use
        return [SlotSet("suggested", None), *start_search_events(tracker, "find_resource"),
                FollowupAction("resource_form")]
    else:
        dispatcher.utter_message(response="utter_fallback")
    return [SlotSet("suggested", None)]


class ActionChooseSuggestion(Action):
    def name(self) -> str:
        return "action_choose_suggestion"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        options = tracker.get_slot("suggested") or []
        said = (tracker.latest_message.get("text") or "").strip().lower()
        picked = 0 if re.search(r"1|one|first", said) else 1
        if len(options) < 2:
            dispatcher.utter_message(response="utter_menu")
            return []
        return [SlotSet("suggested", None), *answer_as(options[picked], dispatcher, tracker, domain)]
