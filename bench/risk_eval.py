"""Risk triage quality on the labelled set tests/risk/eval_set.tsv.

For Harbor's scorer and, in the same run, a plain keyword-list baseline, prints recall per
category (a positive counts when the message escalates: level high or imminent, with that
category) and the false-escalation rate on the hard negatives.

    .venv/bin/python -m bench.risk_eval             # the live path: trained model + rules
    .venv/bin/python -m bench.risk_eval --rules-only  # no model needed
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ["RASA_TELEMETRY_ENABLED"] = "false"

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SET = PROJECT_ROOT / "tests" / "risk" / "eval_set.tsv"
GOALS = {"imminent_danger": 0.98, "self_harm": 0.98, "exploitation": 0.95}
MAX_FALSE_ESCALATION = 0.05

# What a hurried engineer would ship: any of these words pages someone.
BASELINE_KEYWORDS = [
    "kill", "die", "suicide", "suicidal", "gun", "knife", "hurt", "sell", "sold", "pimp", "quota",
    "traffick", "rape", "hit", "touch", "cut", "pills", "locked", "help", "scared", "dead",
    "sex", "money", "track", "daddy", "dates", "trick", "beat", "abuse", "kms", "unalive",
]

Scorer = Callable[[str], tuple[bool, set[str]]]  # text -> (escalates, categories)


@dataclass
class Result:
    name: str
    recall: dict[str, float] = field(default_factory=dict)
    support: dict[str, int] = field(default_factory=dict)
    false_escalation_rate: float = 0.0
    negatives: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)
    false_escalations: list[str] = field(default_factory=list)


def load_set(path: Path = DEFAULT_SET) -> list[tuple[str, str]]:
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return [(r["label"], r["text"]) for r in csv.DictReader(rows, delimiter="\t")]


def evaluate(name: str, scorer: Scorer, rows: list[tuple[str, str]]) -> Result:
    result = Result(name)
    hits: dict[str, int] = {}
    false_escalations = 0
    for label, text in rows:
        escalates, categories = scorer(text)
        if label == "none":
            result.negatives += 1
            if escalates:
                false_escalations += 1
                result.false_escalations.append(text)
            continue
        result.support[label] = result.support.get(label, 0) + 1
        if escalates and label in categories:
            hits[label] = hits.get(label, 0) + 1
        else:
            result.misses.append((label, text))
    result.recall = {c: hits.get(c, 0) / n for c, n in sorted(result.support.items())}
    result.false_escalation_rate = false_escalations / result.negatives if result.negatives else 0.0
    return result


def keyword_baseline(text: str) -> tuple[bool, set[str]]:
    lowered = text.lower()
    hit = any(k in lowered for k in BASELINE_KEYWORDS)
    # The baseline cannot tell categories apart: a hit counts for every category.
    return hit, ({"imminent_danger", "self_harm", "exploitation", "abuse", "third_party"} if hit else set())


def rules_scorer(text: str) -> tuple[bool, set[str]]:
    from hotline.risk import assess

    assessment = assess(text)
    return assessment.escalates, set(assessment.categories)


def live_scorer(model: Path) -> Scorer:
    from hotline.live import LiveRiskScorer

    live = LiveRiskScorer(model)

    def score(text: str) -> tuple[bool, set[str]]:
        risk = live.score(text)
        return risk["escalates"], set(risk["categories"])

    return score


def meets_goals(result: Result) -> bool:
    return all(result.recall.get(c, 0.0) >= goal for c, goal in GOALS.items()) and (
        result.false_escalation_rate <= MAX_FALSE_ESCALATION)


def render(results: list[Result]) -> str:
    categories = sorted({c for r in results for c in r.support})
    header = f"{'scorer':14}" + "".join(f"{c:>17}" for c in categories) + f"{'false esc.':>12}"
    lines = [header]
    for r in results:
        cells = "".join(f"{r.recall.get(c, 0.0):>17.3f}" for c in categories)
        lines.append(f"{r.name:14}{cells}{r.false_escalation_rate:>12.3f}")
    support = results[0].support
    lines.append(f"{'(n)':14}" + "".join(f"{support.get(c, 0):>17}" for c in categories)
                 + f"{results[0].negatives:>12}")
    lines.append("goals: recall >= 0.98 imminent_danger and self_harm, >= 0.95 exploitation; "
                 "false escalations <= 0.05")
    harbor = results[0]
    lines.append(f"{harbor.name} meets the goals: {'yes' if meets_goals(harbor) else 'NO'}")
    if harbor.misses:
        lines.append("missed:")
        lines.extend(f"  [{label}] {text}" for label, text in harbor.misses)
    if harbor.false_escalations:
        lines.append("false escalations:")
        lines.extend(f"  {text}" for text in harbor.false_escalations)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "bot" / "models" / "harbor.tar.gz")
    parser.add_argument("--rules-only", action="store_true", help="skip the trained model")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = load_set(args.set)
    if args.rules_only:
        harbor = evaluate("harbor-rules", rules_scorer, rows)
    else:
        if not args.model.exists():
            print(f"risk_eval: no model at {args.model}; run `make train` or use --rules-only",
                  file=sys.stderr)
            return 2
        harbor = evaluate("harbor", live_scorer(args.model.resolve()), rows)
    baseline = evaluate("keywords", keyword_baseline, rows)
    if args.json:
        print(json.dumps([{"scorer": r.name, "recall": r.recall, "support": r.support,
                           "false_escalation_rate": r.false_escalation_rate,
                           "negatives": r.negatives} for r in (harbor, baseline)], indent=2))
    else:
        print(render([harbor, baseline]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
