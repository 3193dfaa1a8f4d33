"""MORE: send the next page of the last long answer (pages are named utter_X, utter_X_2, ...)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from harbor.paging import next_page


def last_answer_pages(events: list[dict[str, Any]]) -> list[str]:
    """Response names of the bot's last real answer, newest first.

    The current MORE and any earlier MOREs are skipped, so MORE, MORE walks on page by page.
    """
    names: list[str] = []
    skipped_current = False
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            if not skipped_current:
                skipped_current = True
                continue
            intent = (event.get("parse_data") or {}).get("intent") or {}
            if intent.get("name") != "more":
                break
        elif kind == "bot" and skipped_current:
            name = (event.get("metadata") or {}).get("utter_action")
            if name:
                names.append(name)
    return names


class ActionMore(Action):
    def name(self) -> str:
        return "action_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        responses = domain.get("responses", {}).keys()
        for name in last_answer_pages(tracker.events):
            following = next_page(name, responses)
            if following:
                dispatcher.utter_message(response=following)
                return []
        dispatcher.utter_message(response="utter_no_more")
        return []
