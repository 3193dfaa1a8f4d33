"""High or imminent risk: write the escalation first, then give the crisis line that fits and say,
honestly, that a trained advocate has been alerted. If the write fails, nobody is on call to page,
or the escalation's pages are held in a page storm (hotline/escalations.py), the youth still gets
the crisis line, without a promise the system could not keep."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.questions import WHAT_ABOUT, asks_a_question, is_question_intent
from bot.actions.suggest import answer_as
from harbor.core.db import session_scope
from harbor.core.risk_levels import EXPLOITATION, SELF_HARM, THIRD_PARTY
from harbor.core.settings import HotlineConfig
from hotline.escalation_replies import choose_for
from hotline.escalations import advocate_alerted, open_or_update

log = logging.getLogger("harbor.escalation")

# The escalation reply already is the answer: the missing-child steps, the crisis lines.
ANSWERED_BY_THE_ESCALATION = {"ask_crisis_numbers"}
# "is it normal for my bf to want me to make money for him": once that is escalated, what recruiting looks like is
# not what a youth already being sold needs to hear next.
NOT_AFTER_DANGER = {"ask_red_flag"}


ESCALATED_LATELY_MESSAGES = 4


def _lately(tracker: Tracker, messages: int, counts) -> bool:  # type: ignore[no-untyped-def]
    users_seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users_seen += 1
            if users_seen > messages:
                return False
            if users_seen > 1 and counts(event):
                return True
        elif event.get("event") == "bot" and users_seen >= 1 and counts(event):
            return True
    return False


def _told_advocate_alerted(event: dict[str, Any]) -> bool:
    return event.get("event") == "bot" and \
        str((event.get("metadata") or {}).get("utter_action") or "").startswith("utter_escalate_")


def advocate_alerted_lately(tracker: Tracker, messages: int = ESCALATED_LATELY_MESSAGES) -> bool:
    """Did Harbor tell this person an advocate was alerted, in reply to one of their last few messages?"""
    return _lately(tracker, messages, _told_advocate_alerted)


def escalated_lately(tracker: Tracker, messages: int = ESCALATED_LATELY_MESSAGES) -> bool:
    """Was one of their last few messages escalated: by the risk layer, or by their answer to a check-in?
    Also when no page could go out (a page storm, nobody on call): what they told us is the same."""
    def counts(event: dict[str, Any]) -> bool:
        risk = (event.get("parse_data") or {}).get("risk") or {}
        return bool(risk.get("escalates")) or _told_advocate_alerted(event)

    return _lately(tracker, messages, counts)


def _write(conversation_id: str, channel: str, level: str, categories: list[str]) -> tuple[int, bool, bool]:
    """The escalation's id, whether any advocate has a page coming for it, and whether its pages are held."""
    with session_scope() as session:
        opened = open_or_update(session, conversation_id, channel, level, categories,
                                HotlineConfig.from_env(), datetime.utcnow())
        # Held pages and the supervisor's storm alert do not count: nobody was told about this youth.
        return opened.escalation_id, advocate_alerted(session, opened.escalation_id), opened.held


async def escalate(dispatcher: CollectingDispatcher, tracker: Tracker, level: str, categories: list[str]) -> None:
    """Write the escalation, then tell the person what fits: an advocate promised only when one was paged."""
    risk = (tracker.latest_message or {}).get("risk") or {}
    escalated_reply, fallback_reply = choose_for(categories, risk.get("classifier_intent"))
    try:
        escalation_id, alerted, held = await asyncio.to_thread(
            _write, tracker.sender_id, tracker.get_latest_input_channel() or "unknown", level, categories)
    except Exception:
        log.exception("ESCALATION NOT WRITTEN for a %s-risk message; replying with crisis lines only", level)
        dispatcher.utter_message(response=fallback_reply)
        return
    log.warning("ESC-%s: %s risk (%s)", escalation_id, level, ",".join(categories))
    if not alerted:
        if held:
            # A page storm: the escalation is in the queue, but nobody was paged for it yet.
            log.warning("ESC-%s: pages held (page storm); the youth is not told an advocate was alerted",
                        escalation_id)
        else:
            # Nobody on the roster to page: do not promise a person. Loud, so admins fix the roster.
            log.error("ESC-%s: NO ADVOCATE ON CALL to page; run `harbor oncall who`", escalation_id)
        dispatcher.utter_message(response=fallback_reply)
        return
    # The missing-child steps are the answer itself, so they are never cut short.
    again = advocate_alerted_lately(tracker) and escalated_reply != "utter_escalate_missing"
    if again:
        # A disclosure about themselves; about someone else (third party) it is nobody's "fault" to reassure.
        disclosure = escalated_reply in ("utter_escalate_abuse", "utter_escalate_exploitation")
        escalated_reply = "utter_escalate_again_disclosure" if disclosure else "utter_escalate_again"
    dispatcher.utter_message(response=escalated_reply)


class ActionEscalate(Action):
    def name(self) -> str:
        return "action_escalate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        risk = (tracker.latest_message or {}).get("risk") or {}
        if not risk.get("escalates"):
            dispatcher.utter_message(response="utter_crisis_numbers")
            return []
        first_time = not escalated_lately(tracker)  # also when nobody could be paged: ask once, not every time
        await escalate(dispatcher, tracker, risk["level"], list(risk.get("categories") or []))
        need = then_the_need(tracker)
        if need:
            return need
        categories = set(risk.get("categories") or [])
        help_next = _help_after(categories, tracker)
        said = len(dispatcher.messages)
        answered = then_the_question(dispatcher, tracker, domain)
        if answered or len(dispatcher.messages) > said:
            # "...What do I say to her now?" answered; "We're in Torrance" next still searches what fits.
            sets_help = any(e.get("event") == "slot" and e.get("name") == "known_help" for e in answered)
            return answered if sets_help else [*answered, *help_next]
        if (first_time and risk.get("level") == "high" and not tracker.active_loop and not is_adult(tracker)
                and THIRD_PARTY not in categories):
            # After a young person tells us about danger to themselves, the first thing to know is whether they
            # are safe now (an unsure answer tells the advocate as much; a "yes" is thanked). Not after danger
            # now ("he won't let me leave"): the reply already says call 911, and the answer is known. Nor a
            # second text that could make a hidden phone buzz, where "ok" (ok, I'll call) would read as safe.
            return [*help_next, SlotSet("check_in_answer", None), SlotSet("check_in_after_answer", True),
                    FollowupAction("check_in_form")]
        return help_next


# Answers written for the adults around a youth: a young person gets someone to talk to instead ("i cant stop
# thinking about what happened to me, is that normal" is not a worker's secondary trauma).
FOR_HELPERS = ("faq/vicarious_trauma",)


def is_adult(tracker: Tracker) -> bool:
    """Said in their words, else known from before, else implied by what the message asks ("my 14 year old is
    being sold": a parent's words)."""
    from bot.actions.facts import implied_role

    message = tracker.latest_message or {}
    said = [e.get("value") for e in message.get("entities") or [] if e.get("entity") == "role"]
    role = said[0] if said else tracker.get_slot("role")
    if role is None:
        role = implied_role(message)
    return role in ("caregiver", "provider")


def then_the_question(dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any]) -> list[dict[str, Any]]:
    """Danger first, then the question asked in the same words: a foster mom's "she keeps going back to him,
    nothing works" is escalated and still gets what the review says about going back."""
    message = tracker.latest_message or {}
    asked = (message.get("risk") or {}).get("classifier_intent") or ""
    # report_missing is not asked: a missing child's escalation reply is that answer already.
    if asked in ANSWERED_BY_THE_ESCALATION or asked in NOT_AFTER_DANGER or not is_question_intent(asked):
        return []
    if not asks_a_question(message.get("text")) and not is_adult(tracker):
        # A young person's "i dont see the point anymore. everything i make goes back to him" reads like a
        # question about going back, but asks nothing: an answer to it would talk past them.
        return []
    if asked == "faq" and not asks_a_question(message.get("text")):
        # The response selector picks some answer for any message; after danger, only a question gets one
        # ("the staff r just mean and i hate it" is not asking about harm reduction).
        return []
    selected = ((message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    if asked == "faq" and not selected.get("intent_response_key"):
        return []  # no answer picked: nothing to add after the crisis reply (never "didn't get that")
    if asked == "faq" and selected.get("intent_response_key") in FOR_HELPERS and not is_adult(tracker):
        return []  # "i was trafficked and now i cant sleep, is this normal": not a worker's secondary trauma
    return answer_as(asked, dispatcher, tracker, domain)


# The programs that fit what was disclosed, for a place said next ("We're in Torrance if that matters").
_HELP_FOR = [(EXPLOITATION, "trafficking_services"), (THIRD_PARTY, "trafficking_services"),
             (SELF_HARM, "mental_health")]


def _help_after(categories: set[str], tracker: Tracker) -> list[dict[str, Any]]:
    if tracker.get_slot("known_help"):
        return []
    kind = next((help_kind for category, help_kind in _HELP_FOR if category in categories), None)
    return [SlotSet("known_help", kind)] if kind else []


def then_the_need(tracker: Tracker) -> list[dict[str, Any]]:
    """Danger first, then what they came for: "he kicked me out, i need a bed in fresno" gets the crisis
    reply and then the search for a bed, with what they said already filled in."""
    from bot.actions.resources import INTENT_CATEGORY, start_search_events

    message = tracker.latest_message or {}
    asked = (message.get("risk") or {}).get("classifier_intent")
    said = {e.get("entity") for e in message.get("entities") or [] if e.get("value")}
    if asked in INTENT_CATEGORY or "help" in said:  # "...is there anywhere to sleep": the words name it
        return [*start_search_events(tracker, asked if asked in INTENT_CATEGORY else None),
                FollowupAction("resource_form")]
    if "place" in said and tracker.get_slot("known_help"):
        # Mid-search, a new place ("my cousin drove me to stockton"): the search they were doing, there.
        return [*start_search_events(tracker, "inform"), FollowupAction("resource_form")]
    if "age" in said and tracker.get_slot("known_help") and WHAT_ABOUT.search(message.get("text") or ""):
        # "What about for his little sister, she's 12": the same kind of help, for her age.
        return [*start_search_events(tracker, "inform"), FollowupAction("resource_form")]
    categories = set((message.get("risk") or {}).get("categories") or [])
    if "place" in said and EXPLOITATION in categories and _ASKS_WHAT_IS_THERE.search(message.get("text") or ""):
        # "my client just disclosed her cousin sells her. what do u have in bakersfield": programs for
        # trafficking survivors there.
        return [*start_search_events(tracker, "inform"), SlotSet("resource_category", "trafficking_services"),
                FollowupAction("resource_form")]
    return []


_ASKS_WHAT_IS_THERE = re.compile(r"\b(?:what do (?:you|u) have|what(?:'s| is) (?:there|available)|any (?:programs?|"
                                 r"services?|resources?|help)|who (?:can|could) help|where can (?:i|we|she|he) "
                                 r"(?:get|find|refer))\b", re.IGNORECASE)
