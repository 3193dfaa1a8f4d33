"""Support for a caregiver: what the research says about their own load, and, when Harbor knows where
they are, the caregiver programs near them. "Is there support for foster parents around here" asked
after naming a city wants local programs, not only advice (seed VI)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.resources import start_search_events

CAREGIVER_PROGRAMS = "caregiver_support"


def _known_place(tracker: Tracker) -> str | None:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "place" and entity.get("value"):
            return str(entity["value"])
    return tracker.get_slot("known_place")


class ActionCaregiverSupport(Action):
    def name(self) -> str:
        return "action_caregiver_support"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        dispatcher.utter_message(response="utter_ask_caregiver_support")
        if not _known_place(tracker):
            # "is there help for ME", then "Hayward": the place is for caregiver programs.
            return [SlotSet("known_help", CAREGIVER_PROGRAMS)]
        search = [event for event in start_search_events(tracker, "ask_caregiver_support")
                  if event.get("name") != "resource_category"]
        return [*search, SlotSet("resource_category", CAREGIVER_PROGRAMS), FollowupAction("resource_form")]
