"""`harbor train`: build the spaCy pipeline if missing, train the risk classifier when its data
changed (seconds), then let Rasa train (its fingerprinting skips every component whose data and
config did not change).

Guarantee: `train()` does all of it in a child process (`python -m harbor.cli.training`), so the
caller (the CLI, and the `harbor up` supervisor that then lives for days) never imports spaCy,
Rasa or TensorFlow and stays small. This module imports nothing heavy at the top.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from harbor.core.settings import DOMAIN_FILE, MODEL_NAME, MODELS_DIR, PROJECT_ROOT, venv_executable


def rasa_executable() -> str:
    return venv_executable("rasa")


def training_command(force: bool = False) -> list[str]:
    """The child that trains; what `train` runs."""
    return [sys.executable, "-m", "harbor.cli.training", *(["--force"] if force else [])]


def train(force: bool = False, quiet: bool = False) -> int:
    """Train in a child process; its exit code (0 ok). `quiet` drops the child's stdout."""
    output = subprocess.DEVNULL if quiet else None
    return subprocess.run(training_command(force), cwd=PROJECT_ROOT, stdout=output, check=False).returncode


# ---- everything below runs in the child ----

def ensure_spacy_pipeline() -> Path:
    from bot.nlu.spacy_model import ensure

    return ensure()


def train_risk_classifier(force: bool = False) -> None:
    from bot.nlu.risk.classifier import MODEL_PATH, ensure_trained

    classifier, trained = ensure_trained(force=force)
    done = "trained" if trained else "unchanged"
    print(f"risk classifier {done} ({MODEL_PATH}): {classifier.validation.describe()}", flush=True)


def rasa_train_command(force: bool = False) -> list[str]:
    command = [
        rasa_executable(),
        "train",
        "--domain", str(DOMAIN_FILE),
        "--data", "bot/data",
        "--config", "config.yml",
        "--out", str(MODELS_DIR),
        "--fixed-model-name", MODEL_NAME,
    ]
    return [*command, "--force"] if force else command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harbor.cli.training",
                                     description="Build the spaCy pipeline if missing, then run rasa train.")
    parser.add_argument("--force", action="store_true", help="retrain every component")
    args = parser.parse_args(argv)
    ensure_spacy_pipeline()
    train_risk_classifier(args.force)
    return subprocess.run(rasa_train_command(args.force), cwd=PROJECT_ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
