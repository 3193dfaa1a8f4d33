"""Right after a message about danger now, what comes next is read in that light: a place or an age said
within a few messages gets 911 first, once ("shes 15", then "we're in bakersfield")."""

from __future__ import annotations

from rasa_sdk import Tracker

DANGER_LATELY_MESSAGES = 3
AFTER_DANGER = "utter_inform_after_danger"


def danger_lately(tracker: Tracker, messages: int = DANGER_LATELY_MESSAGES) -> bool:
    """Was one of the last few messages before this one about danger right now (imminent risk), and has
    Harbor not yet said 911 again since ("shes 15", then "we're in bakersfield": said once)?"""
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"][:-1][-messages:]
    danger = [i for i in users
              if ((tracker.events[i].get("parse_data") or {}).get("risk") or {}).get("level") == "imminent"]
    if not danger:
        return False
    said_since = (e for e in tracker.events[danger[-1]:] if e.get("event") == "bot")
    return not any((e.get("metadata") or {}).get("utter_action") == AFTER_DANGER for e in said_since)
