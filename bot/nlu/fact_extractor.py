"""Rasa adapter for bot/nlu/facts.py and bot/nlu/language.py: the place, age, role, kind of help,
gender and language a message states become entities (slots keep them for the conversation), and
a Spanish message gets the intent its Spanish words ask for. Runs after the intent classifiers and
before the risk detector, which still overrides the intent when a message is dangerous."""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.facts import facts
from bot.nlu.language import SPANISH, language_of, looks_spanish, spanish_intent

CHOICE = re.compile(r"^\s*(?:option\s*|number\s*|#)?(?:1|2|one|two|first|second|the first(?: one)?|"
                    r"the second(?: one)?)\s*[.!]*\s*$", re.IGNORECASE)

EXTRACTOR_NAME = "FactExtractor"


def _entity(kind: str, value: str, start: int, end: int) -> dict[str, Any]:
    return {ENTITY_ATTRIBUTE_TYPE: kind, ENTITY_ATTRIBUTE_VALUE: value, ENTITY_ATTRIBUTE_START: start,
            ENTITY_ATTRIBUTE_END: end, ENTITY_ATTRIBUTE_CONFIDENCE: 1.0, EXTRACTOR: EXTRACTOR_NAME}


NOT_ENGLISH = "other_language"  # the English model's intent for a message in another language


def _intent_name(message: Message) -> str | None:
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class FactExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> FactExtractor:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities = [e for e in message.get(ENTITIES, []) if e.get(EXTRACTOR) != EXTRACTOR_NAME]
            entities += [_entity(f.entity, f.value, f.start, f.end) for f in facts(text)]
            language = language_of(text)
            if language is None and _intent_name(message) == NOT_ENGLISH and looks_spanish(text):
                language = SPANISH
            if language:
                entities.append(_entity("language", language, 0, len(text)))
            message.set(ENTITIES, entities, add_to_output=True)
            if CHOICE.match(text):
                # "1" / "2" answers "Did you mean 1) ... or 2) ...?" (bot/actions/suggest.py); inside a
                # search or a plan the form reads it as the answer it asked for.
                prediction = {INTENT_NAME_KEY: "choose_option", PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, prediction, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [prediction], add_to_output=True)
            elif language == SPANISH:
                prediction = {INTENT_NAME_KEY: spanish_intent(text), PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, prediction, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [prediction], add_to_output=True)
        return messages
