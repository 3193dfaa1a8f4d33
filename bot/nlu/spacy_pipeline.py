"""The one spaCy pipeline Harbor uses: blank English with lookup lemmas (spacy-lookups-data).

No pretrained model is downloaded. Rasa loads it from disk (bot/nlu/spacy_model.py); the risk
rules use it in memory.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language


def make_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@lru_cache(maxsize=1)
def shared_pipeline() -> Language:
    return make_pipeline()
