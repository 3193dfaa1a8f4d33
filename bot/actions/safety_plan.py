"""The youth's safety plan: validate answers as they come in, show the plan on request."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.safety_plan_answers import SKIPPED, clean_answer

PLAN_SLOTS = ("plan_place", "plan_person", "plan_number", "plan_code_word")


class ValidateSafetyPlanForm(FormValidationAction):
    def name(self) -> str:
        return "validate_safety_plan_form"

    def _clean(self, slot: str, value: Any) -> dict[str, Any]:
        return {slot: clean_answer(value if isinstance(value, str) else None)}

    def validate_plan_place(self, value: Any, *_: Any) -> dict[str, Any]:
        return self._clean("plan_place", value)

    def validate_plan_person(self, value: Any, *_: Any) -> dict[str, Any]:
        return self._clean("plan_person", value)

    def validate_plan_number(self, value: Any, *_: Any) -> dict[str, Any]:
        return self._clean("plan_number", value)

    def validate_plan_code_word(self, value: Any, *_: Any) -> dict[str, Any]:
        return self._clean("plan_code_word", value)


class ActionShowSafetyPlan(Action):
    def name(self) -> str:
        return "action_show_safety_plan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        values = {slot: tracker.get_slot(slot) for slot in PLAN_SLOTS}
        if all(value in (None, SKIPPED) for value in values.values()):
            dispatcher.utter_message(response="utter_no_safety_plan")
            return []
        filled = {slot: value or SKIPPED for slot, value in values.items()}
        dispatcher.utter_message(response="utter_safety_plan", **filled)
        return []
