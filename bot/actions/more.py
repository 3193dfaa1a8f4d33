"""MORE: send the next page of the last long answer (pages are named utter_X, utter_X_2, ...)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.resources import send_more_results
from harbor.core.more_pages import DYNAMIC_MORE_PROMPTS, next_page


def last_response_name(events: list[dict[str, Any]]) -> str | None:
    """Name of the newest response the bot sent before the current message, if any.

    The newest one decides: after the last page, MORE says there is no more rather than
    walking back to an older answer.
    """
    skipped_current = False
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            skipped_current = True
        elif kind == "bot" and skipped_current:
            name = (event.get("metadata") or {}).get("utter_action")
            if name:
                return name
    return None


class ActionMore(Action):
    def name(self) -> str:
        return "action_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        last = last_response_name(tracker.events)
        if last in DYNAMIC_MORE_PROMPTS:
            events = send_more_results(dispatcher, tracker)
            if events is not None:
                return events
        following = next_page(last, domain.get("responses", {})) if last else None
        dispatcher.utter_message(response=following or "utter_no_more")
        return []
