"""An intent classifier for messages with no words at all: empty, whitespace, punctuation or
emoji only. The learned classifier guesses wildly on these ("?!..." looked like MORE); a
message without words gets the `no_words` intent with full confidence instead."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from harbor.core.text_checks import has_words

NO_WORDS_INTENT = "no_words"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NoWordsClassifier(GraphComponent, IntentClassifier):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NoWordsClassifier:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if not has_words(message.get(TEXT)):
                prediction = {INTENT_NAME_KEY: NO_WORDS_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, prediction, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [prediction], add_to_output=True)
        return messages
