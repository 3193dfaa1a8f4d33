"""High or imminent risk: write the escalation first, then give the crisis line that fits and say,
honestly, that a trained advocate has been alerted. If the write fails, the youth still gets the
crisis line, without a promise the system could not keep."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from hotline.config import HotlineConfig
from hotline.db import session_scope
from hotline.escalations import open_or_update

log = logging.getLogger("harbor.escalation")

# (category, reply when the escalation was written, reply when it could not be)
REPLIES = [
    ("imminent_danger", "utter_escalate_danger", "utter_in_danger_now"),
    ("self_harm", "utter_escalate_self_harm", "utter_self_harm"),
    ("third_party", "utter_escalate_third_party", "utter_disclose_exploitation"),
    ("exploitation", "utter_escalate_exploitation", "utter_disclose_exploitation"),
    ("abuse", "utter_escalate_abuse", "utter_self_harm"),
]


def choose_replies(categories: list[str]) -> tuple[str, str]:
    for category, escalated, fallback in REPLIES:
        if category in categories:
            return escalated, fallback
    return "utter_escalate_danger", "utter_in_danger_now"


def _write(conversation_id: str, channel: str, level: str, categories: list[str]) -> int:
    with session_scope() as session:
        opened = open_or_update(session, conversation_id, channel, level, categories,
                                HotlineConfig.from_env(), datetime.utcnow())
        return opened.escalation_id


class ActionEscalate(Action):
    def name(self) -> str:
        return "action_escalate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        risk = (tracker.latest_message or {}).get("risk") or {}
        if not risk.get("escalates"):
            dispatcher.utter_message(response="utter_crisis_numbers")
            return []
        categories = list(risk.get("categories") or [])
        escalated_reply, fallback_reply = choose_replies(categories)
        try:
            escalation_id = await asyncio.to_thread(
                _write, tracker.sender_id, tracker.get_latest_input_channel() or "unknown",
                risk["level"], categories)
        except Exception:
            log.exception("ESCALATION NOT WRITTEN for a %s-risk message; replying with crisis lines only",
                          risk.get("level"))
            dispatcher.utter_message(response=fallback_reply)
            return []
        log.warning("ESC-%s: %s risk (%s)", escalation_id, risk["level"], ",".join(categories))
        dispatcher.utter_message(response=escalated_reply)
        return []
