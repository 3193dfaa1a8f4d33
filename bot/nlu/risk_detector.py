"""Scores every inbound message for risk, whatever the dialogue state, before any reply.

Runs last in the NLU pipeline. The rules' floor and the risk classifier's vote (bot/nlu/risk/assessment.py,
bot/nlu/risk/classifier.py) decide; DIET's intents gate nothing. The assessment goes
into the parse data as `risk` (the tracker's latest message, for actions and the console). When
the message escalates, the intent is set to the safety intent of its main category with full
confidence, so the safety rules answer it even in the middle of a form or after MORE. When it only
worries (level concern, not an adult's general question), the intent becomes risk_check_in and the
bot asks "are you safe right now?" before anything else.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.risk.assessment import ClassifierVote, assess
from bot.nlu.risk.classifier import vote

RISK_KEY = "risk"
CHECK_IN_INTENT = "risk_check_in"  # uncertain: bot/actions/check_in.py asks "are you safe right now?"
log = logging.getLogger("harbor.risk")

# Which safety rule answers an escalating message, by its most urgent category.
SAFETY_INTENT_BY_CATEGORY = [
    ("imminent_danger", "in_danger_now"),
    ("self_harm", "self_harm"),
    ("exploitation", "disclose_exploitation"),
    ("abuse", "disclose_exploitation"),
    ("third_party", "disclose_exploitation"),
]


def safety_intent(categories: list[str]) -> str:
    for category, intent in SAFETY_INTENT_BY_CATEGORY:
        if category in categories:
            return intent
    return "in_danger_now"


def _vote_or_none(text: str | None) -> ClassifierVote | None:
    """The classifier's vote; if it cannot vote (a broken model file), the rules' floor still scores."""
    try:
        return vote(text)
    except Exception:
        log.exception("RISK CLASSIFIER FAILED: scoring with the rules alone; run `harbor train`")
        return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RiskDetector(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> RiskDetector:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            text = message.get(TEXT)
            assessment = assess(text, _vote_or_none(text))
            risk = assessment.as_dict()
            risk["classifier_intent"] = intent.get(INTENT_NAME_KEY)
            message.set(RISK_KEY, risk, add_to_output=True)
            if assessment.escalates:
                forced = {INTENT_NAME_KEY: safety_intent(assessment.categories), PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, forced, add_to_output=True)
            elif assessment.ask_if_safe:
                forced = {INTENT_NAME_KEY: CHECK_IN_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, forced, add_to_output=True)
        return messages
