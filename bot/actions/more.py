"""MORE: send the next page of the last long answer (pages are named utter_X, utter_X_2, ...)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.resources import asks_for_others, no_other_local, send_more_results
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
        others = asks_for_others(tracker.latest_message.get("text"))
        if last in DYNAMIC_MORE_PROMPTS or others:
            events = send_more_results(dispatcher, tracker)
            if events is None and others and searched_lately(tracker.events):
                events = no_other_local(dispatcher, tracker)
            if events is not None:
                return events
        following = next_page(last, domain.get("responses", {})) if last else None
        if following is None and searched_lately(tracker.events):
            # "do I need ID?" between a search and MORE: the answer has no next page, the search may.
            events = send_more_results(dispatcher, tracker) or no_other_local(dispatcher, tracker)
            if events is not None:
                return events
        dispatcher.utter_message(response=following or "utter_no_more")
        return []


SEARCH_REPLIES = ("utter_resource_more_prompt", "utter_resource_end")
LATELY = 3  # messages back


def searched_lately(events: list[dict[str, Any]]) -> bool:
    """Did a search answer within the person's last few messages (so MORE may mean its results)?"""
    seen_users = 0
    for event in reversed(events):
        if event.get("event") == "user":
            seen_users += 1
            if seen_users > LATELY:
                return False
        elif event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") in SEARCH_REPLIES:
            return True
    return False
