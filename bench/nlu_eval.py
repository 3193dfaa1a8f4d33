"""Intent quality on the held-out split (tests/nlu/holdout_2026-12-08f.yml), which training never sees,
written by a writer whose examples are not in training.

Prints per-intent precision / recall / F1, the macro-F1, and the most frequent confusion
pairs. A prediction of nlu_fallback (the bot would say "sorry, I didn't get that") counts
as wrong: that is what the person texting would experience.

    .venv/bin/python -m bench.nlu_eval [--model bot/models/harbor.tar.gz] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# No telemetry or crash reports leave the machine (see harbor/__init__.py).
os.environ["RASA_TELEMETRY_ENABLED"] = "false"

from harbor.core.settings import PROJECT_ROOT

DEFAULT_MODEL = PROJECT_ROOT / "bot" / "models" / "harbor.tar.gz"
DEFAULT_DATA = PROJECT_ROOT / "tests" / "nlu" / "holdout_2026-12-08f.yml"


@dataclass
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Evaluation:
    scores: list[IntentScore]
    macro_f1: float
    accuracy: float
    confusions: list[tuple[str, str, int]]
    examples: int
    errors: list[dict]


def score(gold: list[str], predicted: list[str]) -> Evaluation:
    pairs = list(zip(gold, predicted, strict=True))
    intents = sorted(set(gold))
    scores = []
    for intent in intents:
        tp = sum(1 for g, p in pairs if g == intent and p == intent)
        fp = sum(1 for g, p in pairs if g != intent and p == intent)
        fn = sum(1 for g, p in pairs if g == intent and p != intent)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(IntentScore(intent, precision, recall, f1, tp + fn))
    confusions = Counter((g, p) for g, p in pairs if g != p)
    return Evaluation(
        scores=scores,
        macro_f1=sum(s.f1 for s in scores) / len(scores) if scores else 0.0,
        accuracy=sum(1 for g, p in pairs if g == p) / len(gold) if gold else 0.0,
        confusions=[(g, p, n) for (g, p), n in confusions.most_common()],
        examples=len(gold),
        errors=[],
    )


async def _predict(model: Path, texts: list[str]) -> list[str]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    predictions = []
    for text in texts:
        parsed = await agent.parse_message(text)
        predictions.append(understood_intent(parsed))
    return predictions


def understood_intent(parsed: dict) -> str:
    """What the NLU understood, before the risk detector steps in (a dangerous message is answered by
    the safety rules whatever its intent; that is measured in bench.risk_eval). Questions the response
    selector answers are scored by their answer's key ("faq/tool_htiam")."""
    risk = parsed.get("risk") or {}
    intent = risk.get("classifier_intent") or (parsed.get("intent") or {}).get("name") or "None"
    if intent == "faq":
        selected = ((parsed.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        intent = selected.get("intent_response_key") or intent
    return intent


def evaluate(model: Path = DEFAULT_MODEL, data: Path = DEFAULT_DATA) -> Evaluation:
    from rasa.shared.nlu.training_data.loading import load_data

    os.chdir(PROJECT_ROOT)  # config.yml names the spaCy pipeline by a project-relative path
    examples = [m for m in load_data(str(data)).intent_examples]
    texts = [m.get("text") for m in examples]
    gold = [m.get("intent_response_key") or m.get("intent") for m in examples]
    predicted = asyncio.run(_predict(model, texts))
    result = score(gold, predicted)
    result.errors = [
        {"text": t, "expected": g, "predicted": p}
        for t, g, p in zip(texts, gold, predicted, strict=True)
        if g != p
    ]
    return result


def render(result: Evaluation) -> str:
    lines = [f"{'intent':34} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>4}"]
    for s in sorted(result.scores, key=lambda s: s.f1):
        lines.append(f"{s.intent:34} {s.precision:6.2f} {s.recall:6.2f} {s.f1:6.2f} {s.support:4d}")
    lines.append("")
    lines.append(
        f"examples {result.examples}  accuracy {result.accuracy:.3f}  macro-F1 {result.macro_f1:.3f}"
    )
    if result.confusions:
        lines.append("")
        lines.append("confusion pairs (expected -> predicted: count)")
        lines.extend(f"  {g} -> {p}: {n}" for g, p, n in result.confusions[:15])
    if result.errors:
        lines.append("")
        lines.append("misclassified")
        lines.extend(f"  {e['text']!r}: {e['expected']} -> {e['predicted']}" for e in result.errors)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"nlu_eval: no model at {args.model}; run `make train` first", file=sys.stderr)
        return 2
    result = evaluate(args.model.resolve(), args.data.resolve())
    if args.json:
        print(json.dumps({
            "macro_f1": result.macro_f1, "accuracy": result.accuracy, "examples": result.examples,
            "intents": [s.__dict__ for s in result.scores],
            "confusions": [{"expected": g, "predicted": p, "count": n} for g, p, n in result.confusions],
        }, indent=2))
    else:
        print(render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
