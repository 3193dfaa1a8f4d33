"""The intent classifier: logistic regression over word 1-2-grams and character 2-5-grams of the raw
message (scikit-learn), in place of DIET.

Why: with ~5,000 examples from several writers DIET took minutes to train on two cores and grew with
every example; this trains in seconds, its probabilities feed Rasa's FallbackClassifier the same way,
and character n-grams carry the typos and texting spellings ("shleter", "tonite") that word features
miss. It is persisted with skops (as Rasa's own SklearnIntentClassifier is) and loaded only when every
type in the file belongs to scikit-learn, SciPy or NumPy.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

log = logging.getLogger(__name__)
MODEL_FILE = "intents.skops"
RANKING_LENGTH = 10
_TRUSTED_MODULES = ("sklearn.", "scipy.", "numpy", "builtins", "collections")


def build_pipeline(c: float = 10.0, seed: int = 7):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
    )
    return make_pipeline(features, LogisticRegression(C=c, max_iter=3000, random_state=seed))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TextIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": 10.0, "random_seed": 7}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: Any = None) -> None:
        self.config = config
        self.model_storage = model_storage
        self.resource = resource
        self.model = model

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> TextIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        if len({m.get(INTENT) for m in examples}) < 2:
            log.warning("fewer than two intents to train on; the intent classifier is left empty")
            return self.resource
        self.model = build_pipeline(self.config["C"], self.config["random_seed"])
        self.model.fit([m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples])
        self.persist()
        return self.resource

    def persist(self) -> None:
        import skops.io as sio

        with self.model_storage.write_to(self.resource) as directory:
            sio.dump(self.model, directory / MODEL_FILE)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> TextIntentClassifier:
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as directory:
                path = directory / MODEL_FILE
                types = sio.get_untrusted_types(file=path)
                foreign = [t for t in types if not t.startswith(_TRUSTED_MODULES)]
                if foreign:
                    raise ValueError(f"unexpected types in {MODEL_FILE}: {foreign}")
                return cls(config, model_storage, resource, sio.load(path, trusted=types))
        except (ValueError, FileNotFoundError):
            log.exception("the intent classifier could not be loaded; every message will fall back")
            return cls(config, model_storage, resource)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if self.model is None or not text:
                continue
            probabilities = self.model.predict_proba([text])[0]
            order = np.argsort(probabilities)[::-1][:RANKING_LENGTH]
            ranking = [{INTENT_NAME_KEY: str(self.model.classes_[i]), PREDICTED_CONFIDENCE_KEY: float(probabilities[i])}
                       for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
