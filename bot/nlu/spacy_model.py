"""Build the blank English spaCy pipeline Rasa's SpacyNLP loads from disk.

spaCy's pretrained models cannot be downloaded here, so Harbor uses spacy.blank("en") with
the lookup lemmatizer from spacy-lookups-data: tokens and lemmas, no vectors.
"""

from __future__ import annotations

from pathlib import Path

from bot.nlu.spacy_pipeline import make_pipeline
from harbor.core.settings import MODELS_DIR

# config.yml names it by its project-relative path (bot/models/spacy_en_harbor).
DEFAULT_PATH = MODELS_DIR / "spacy_en_harbor"


def build(path: Path = DEFAULT_PATH) -> Path:
    nlp = make_pipeline()
    path.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    return path


def ensure(path: Path = DEFAULT_PATH) -> Path:
    """Build the pipeline once; later calls reuse it (Rasa fingerprints the path, not the files)."""
    if not (path / "config.cfg").exists():
        build(path)
    return path


if __name__ == "__main__":
    print(ensure())
