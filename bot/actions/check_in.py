"""Are you safe right now? When a message worries but does not escalate (risk level concern: a
negated or joking danger phrase, a sign the classifier almost flagged), Harbor asks, and a worrying
answer escalates. A second worrying message soon after a check-in escalates without asking again:
two concerns in a row are not a coincidence. Safety first: an unclear answer ("idk", "kinda") counts
as not safe."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.escalation import escalate, escalated_lately, is_adult, then_the_need, then_the_question
from bot.actions.facts import full_intent
from bot.actions.questions import asks_a_question, is_question_intent
from bot.actions.resources import INTENT_CATEGORY, start_search_events
from bot.answer_search import response_for

CHECK_IN_INTENT = "risk_check_in"
RECENT_MESSAGES = 4  # a second concern within this many messages escalates
SAFE, NOT_SAFE = "safe", "not_safe"
# After the answer came first, the next message may go on with it instead of answering the question: MORE,
# the menu, thanks, another search. That is not an unclear answer; it is taken as what it is, and the risk
# layer still reads it as it reads every message.
MOVED_ON = "moved_on"
MOVING_ON_INTENTS = {"more", "menu", "thanks", "goodbye", "need_shelter", "need_food", "need_health",
                     "find_resource"}

_SAFE = re.compile(
    r"^(?:y|ya|yah|yea|yeah|yep|yup|yes|yes i am|yes im safe|yes i'?m safe|si|sí|ok|okay|"
    r"i'?m (?:ok|okay|fine|good|safe)|im (?:ok|okay|fine|good|safe)|i am (?:ok|okay|fine|good|safe)|"
    r"(?:i'?m |im |i am )?safe(?: now)?|all good|"
    r"fine|good|estoy bien|estoy a salvo)(?: thanks| thank you| lol| now)?[.!]*$", re.IGNORECASE)
_SAFE_INTENTS = {"affirm", "say_safe"}


_PLAINLY_NOT = re.compile(r"^(?:no+|nope|nah|not really|no i'?m not|no im not|i'?m not|im not|not safe|"
                          r"i'?m not safe|im not safe|no not safe|no i am not|i am not|i am not safe)[.!]*$",
                          re.IGNORECASE)


def not_safe_level(text: str | None) -> str:
    """A plain "no" to "are you safe right now?" is danger now: the advocate's escalation says so (imminent). An
    unsure answer still escalates, at high."""
    said = (text or "").strip().lower().replace("\u2019", "'")
    return "imminent" if _PLAINLY_NOT.match(said) else "high"


def read_answer(text: str | None, intent: str | None) -> str:
    """SAFE only for a plain yes / I'm safe; anything else (no, idk, kinda, silence on the question) is
    NOT_SAFE: asking was already the uncertain case."""
    said = (text or "").strip().lower().replace("\u2019", "'")
    if _SAFE.match(said):
        return SAFE
    if intent in _SAFE_INTENTS and not re.search(r"\b(?:not|no|nope|nah|idk|kinda|sort of|maybe|dunno|guess)\b",
                                                 said):
        return SAFE
    return NOT_SAFE


def recent_check_in(tracker: Tracker) -> bool:
    """Was Harbor already worried a moment ago (a check-in among the messages just before this one)?"""
    user_messages = [event for event in tracker.events if event.get("event") == "user"][:-1]
    recent = user_messages[-RECENT_MESSAGES:]
    return any(((event.get("parse_data") or {}).get("intent") or {}).get("name") == CHECK_IN_INTENT
               for event in recent)


SAID_SAFE_REPLIES = ("utter_check_in_safe", "utter_check_in_safe_then_answer")


def said_safe_since_check_in(tracker: Tracker) -> bool:
    """Did they answer the last check-in with a plain yes (so a new worry is answered, not escalated)?"""
    users_seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") in SAID_SAFE_REPLIES:
            return True
        if event.get("event") == "user":
            users_seen += 1  # the first is the message being answered now
            if users_seen > 1 and ((event.get("parse_data") or {}).get("intent") or {}).get("name") == CHECK_IN_INTENT:
                return False
    return False


def _concern_categories(tracker: Tracker) -> list[str]:
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        risk = (event.get("parse_data") or {}).get("risk") or {}
        if risk.get("categories"):
            return list(risk["categories"])
    return []


def _not_safe_categories(tracker: Tracker) -> list[str]:
    """"Are you safe right now?" asks about the person themselves: a youth's unsure answer is about their
    own danger, even when the worrying message read to the classifier as about someone else."""
    categories = _concern_categories(tracker) or ["imminent_danger"]
    if not is_adult(tracker):
        categories = [c for c in categories if c != "third_party"] or ["imminent_danger"]
    return categories


class ActionCheckIn(Action):
    def name(self) -> str:
        return "action_check_in"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        from bot.actions.suggest import answer_as

        asked = ((tracker.latest_message.get("risk") or {}).get("classifier_intent")) or "nlu_fallback"
        if escalated_lately(tracker):
            # An advocate was alerted a moment ago: asking again adds nothing. What they asked is answered, after
            # a young person's new worry gets the lines again ("my friend took xanax n wont wake up", then "will we
            # get in trouble": 911 comes first, again).
            if not is_adult(tracker):
                dispatcher.utter_message(response="utter_escalate_again")
            return answer_as(asked, dispatcher, tracker, domain)
        if recent_check_in(tracker) and said_safe_since_check_in(tracker):
            # "yeah im safe for now", then "what if they actually kick me out tho": answered, not escalated.
            return answer_as(asked, dispatcher, tracker, domain)
        if recent_check_in(tracker):
            await escalate(dispatcher, tracker, "high", _concern_categories(tracker) or ["imminent_danger"])
            # "She's 17 and we're in Fresno. Does she count as missing...?": escalated, and still answered.
            return then_the_need(tracker) or then_the_question(dispatcher, tracker, domain)
        if is_adult(tracker):
            # A caregiver's or provider's worry is about a young person, not their own safety right now:
            # answer what they asked (a page would have gone out had the message escalated).
            return answer_as(asked, dispatcher, tracker, domain)
        ask = [SlotSet("check_in_answer", None), SlotSet("check_in_after_answer", True)]
        need = [] if asked in INTENT_CATEGORY else then_the_need(tracker)
        if need or asked in INTENT_CATEGORY:
            # "im 16 n my mom kicked me out, i need somewhere to sleep tonight in fresno": the beds first,
            # then "are you safe right now?" (ActionSearchResources asks once the results are shown).
            events = need or answer_as(asked, dispatcher, tracker, domain)
            return [SlotSet("check_in_after_search", True), *events]
        if is_question_intent(asked) and asks_a_question(tracker.latest_message.get("text")):
            # "is there anywhere that takes tattoos off... somebody made me get his name": answered, then asked.
            events = answer_as(asked, dispatcher, tracker, domain)
            if not any(event.get("event") == "followup" for event in events):
                return [*events, *ask, FollowupAction("check_in_form")]
            return events
        return [SlotSet("check_in_answer", None), SlotSet("check_in_after_answer", None),
                FollowupAction("check_in_form")]


class ValidateCheckInForm(FormValidationAction):
    def name(self) -> str:
        return "validate_check_in_form"

    def validate_check_in_answer(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        answer = read_answer(value if isinstance(value, str) else None, intent)
        if answer != SAFE and tracker.get_slot("check_in_after_answer") and intent in MOVING_ON_INTENTS:
            return {"check_in_answer": MOVED_ON}
        return {"check_in_answer": answer}


def _asked_before_check_in(tracker: Tracker) -> str | None:
    """What the worrying message asked for (its classifier intent, with the answer key for a question the
    response selector answers: "faq/phone_checked"), to pick it up after the answer. A question intent
    counts only when the message asks one: the classifier names some intent for any statement."""
    for event in reversed(tracker.events):
        parse = event.get("parse_data") or {} if event.get("event") == "user" else {}
        if (parse.get("intent") or {}).get("name") == CHECK_IN_INTENT:
            asked = (parse.get("risk") or {}).get("classifier_intent") or ""
            if is_question_intent(asked) and not asks_a_question(event.get("text")):
                return None
            if asked == "faq":
                return full_intent({**parse, "intent": {"name": asked}})
            return asked
    return None


def _answer_to(asked: str | None, domain: DomainDict) -> str | None:
    answer = response_for(asked) if asked and asked.startswith(("ask_", "faq/")) else None
    return answer if answer in (domain.get("responses") or {}) else None


class ActionCheckInResult(Action):
    def name(self) -> str:
        return "action_check_in_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        answer = tracker.get_slot("check_in_answer")
        if tracker.get_slot("check_in_after_answer"):
            return await self._after_the_answer(answer, dispatcher, tracker, domain)
        if answer != SAFE:
            await escalate(dispatcher, tracker, not_safe_level(tracker.latest_message.get("text")),
                       _not_safe_categories(tracker))
            # "ya i need a bed fr": not a plain yes, so an advocate is paged; the bed is still searched for.
            need = then_the_need(tracker)
            if need:
                return [SlotSet("check_in_answer", None), *need]
            before = _asked_before_check_in(tracker)
            if before in INTENT_CATEGORY:
                # "somewhere i can go tonight he wont find me", then "19": paged, and the bed still searched for.
                return [SlotSet("check_in_answer", None), *start_search_events(tracker, before),
                        FollowupAction("resource_form")]
            earlier_question = _answer_to(before, domain)
            # "am i in trouble": a question instead of an answer is escalated, and answered too.
            asked = (tracker.latest_message.get("intent") or {}).get("name") or ""
            if is_question_intent(asked):
                from bot.actions.suggest import answer_as

                return [SlotSet("check_in_answer", None), *answer_as(asked, dispatcher, tracker, domain)]
            if earlier_question:  # "...takes tattoos off?", then "idk": paged, and the question still answered
                dispatcher.utter_message(response=earlier_question)
            return [SlotSet("check_in_answer", None)]
        asked = _asked_before_check_in(tracker) or ""
        if asked in INTENT_CATEGORY:
            dispatcher.utter_message(response="utter_check_in_safe")
            return [SlotSet("check_in_answer", None), *start_search_events(tracker, asked),
                    FollowupAction("resource_form")]
        answer = _answer_to(asked, domain)
        if answer:
            # "is there anywhere that takes tattoos off... somebody made me get his name": asked first, then
            # the question they came with is answered, not lost.
            dispatcher.utter_message(response="utter_check_in_safe_then_answer")
            dispatcher.utter_message(response=answer)
        else:
            dispatcher.utter_message(response="utter_check_in_safe")
        return [SlotSet("check_in_answer", None)]

    @staticmethod
    async def _after_the_answer(answer: str | None, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> list[dict]:
        """What they came with was already answered; only the answer to "are you safe?" is left."""
        done = [SlotSet("check_in_answer", None), SlotSet("check_in_after_answer", None)]
        if answer == SAFE:
            dispatcher.utter_message(response="utter_check_in_safe")
            return done
        if answer == MOVED_ON:  # "MORE" after the results and the question: the next page, no page
            from bot.actions.suggest import answer_as

            intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
            return [*done, FollowupAction("action_more")] if intent == "more" else \
                [*done, *answer_as(intent, dispatcher, tracker, domain)]
        await escalate(dispatcher, tracker, not_safe_level(tracker.latest_message.get("text")),
                       _not_safe_categories(tracker))
        # "do any of them take just girls" instead of yes or no: an advocate is paged, and it is answered.
        return [*done, *(then_the_need(tracker) or then_the_question(dispatcher, tracker, domain))]
