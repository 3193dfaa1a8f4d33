"""`harbor train`: build the spaCy pipeline if missing, then let Rasa train (its fingerprinting
skips every component whose data and config did not change)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harbor.settings import MODEL_NAME, MODELS_DIR, PROJECT_ROOT


def rasa_executable() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def ensure_spacy_pipeline() -> Path:
    from bot.nlu.spacy_model import ensure

    return ensure()


def train(force: bool = False, quiet: bool = False) -> int:
    ensure_spacy_pipeline()
    command = [
        rasa_executable(),
        "train",
        "--domain", "domain.yml",
        "--data", "bot/data",
        "--config", "config.yml",
        "--out", str(MODELS_DIR),
        "--fixed-model-name", MODEL_NAME,
    ]
    if force:
        command.append("--force")
    output = subprocess.DEVNULL if quiet else None
    return subprocess.run(command, cwd=PROJECT_ROOT, stdout=output, check=False).returncode
