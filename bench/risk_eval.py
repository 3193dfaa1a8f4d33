"""Risk triage quality on the independent held-out set tests/risk/heldout_2026-12-08y.tsv.

Side by side, in one run: the live path (the rules' floor OR the risk classifier's vote, exactly
what bot/nlu/risk_detector.py runs), the rules alone, the classifier alone, a crisis-keyword
baseline of the kind a hotline starts with, and the old naive keyword list. Recall per category (a
positive counts when the message escalates: level high or imminent, with that category) and the
false-escalation rate on the messages that need no page; then every miss and false escalation of
the live path. The held-out set is measured once per change and reported as it comes out.

    .venv/bin/python -m bench.risk_eval                     # needs `harbor train` (the classifier)
    .venv/bin/python -m bench.risk_eval --set bot/risk_data/labelled.tsv   # the training side
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ["RASA_TELEMETRY_ENABLED"] = "false"

from harbor.core.settings import PROJECT_ROOT

DEFAULT_SET = PROJECT_ROOT / "tests" / "risk" / "heldout_2026-12-08y.tsv"
GOALS = {"imminent_danger": 0.98, "self_harm": 0.98, "exploitation": 0.95, "abuse": 0.95}
MAX_FALSE_ESCALATION = 0.05

# What a crisis line would start with: explicit phrases for suicide, violence, sexual abuse and
# trafficking. Substring match on the lower-cased message.
CRISIS_KEYWORDS = [
    "suicide", "suicidal", "kill myself", "kms", "want to die", "wanna die", "end my life", "hurt myself",
    "cut myself", "cutting myself", "overdose", "took all my pills", "hang myself", "better off dead",
    "kill me", "gun", "knife", "rape", "raped", "molest", "abuse", "beats me", "beat me", "hits me",
    "trafficked", "trafficking", "pimp", "sold me", "selling me", "sex for money", "locked in",
    "won't let me leave", "wont let me leave", "in danger", "not safe", "help me",
]
# The earlier baseline, kept for comparison: any of these words pages someone ("help", "money").
NAIVE_KEYWORDS = [
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
    from bot.nlu.risk.classifier import load_labelled

    return load_labelled(path)


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


ALL_CATEGORIES = {"imminent_danger", "self_harm", "exploitation", "abuse", "third_party"}


def keyword_scorer(keywords: list[str]) -> Scorer:
    def score(text: str) -> tuple[bool, set[str]]:
        lowered = text.lower()
        hit = any(k in lowered for k in keywords)
        # A keyword list cannot tell categories apart: a hit counts for every category.
        return hit, (set(ALL_CATEGORIES) if hit else set())

    return score


keyword_baseline = keyword_scorer(CRISIS_KEYWORDS)
naive_baseline = keyword_scorer(NAIVE_KEYWORDS)


def rules_scorer(text: str) -> tuple[bool, set[str]]:
    from bot.nlu.risk.assessment import assess

    assessment = assess(text)
    return assessment.escalates, set(assessment.categories)


def classifier_scorer(text: str) -> tuple[bool, set[str]]:
    from bot.nlu.risk.classifier import vote

    verdict = vote(text)
    if verdict is None:
        raise SystemExit("risk_eval: no risk classifier; run `harbor train` first")
    return verdict.escalates, ({verdict.category} if verdict.escalates else set())


def live_scorer(text: str) -> tuple[bool, set[str]]:
    """Exactly what the NLU pipeline's risk detector runs."""
    from bot.nlu.risk.assessment import assess
    from bot.nlu.risk.classifier import vote

    assessment = assess(text, vote(text))
    return assessment.escalates, set(assessment.categories)


def live_any_category(text: str) -> tuple[bool, set[str]]:
    """The live path, counting a page for any category: the advocate is paged either way; only the
    reply's wording depends on the category."""
    escalates, _ = live_scorer(text)
    return escalates, (set(ALL_CATEGORIES) if escalates else set())


def live_or_check_in(text: str) -> tuple[bool, set[str]]:
    """The live path plus "are you safe right now?": a message caught is paged or asked."""
    from bot.nlu.risk.assessment import assess
    from bot.nlu.risk.classifier import vote

    assessment = assess(text, vote(text))
    caught = assessment.escalates or assessment.ask_if_safe
    return caught, (set(ALL_CATEGORIES) if caught else set())


def meets_goals(result: Result) -> bool:
    return all(result.recall.get(c, 0.0) >= goal for c, goal in GOALS.items()) and (
        result.false_escalation_rate <= MAX_FALSE_ESCALATION)


def render(results: list[Result], set_name: str) -> str:
    categories = sorted({c for r in results for c in r.support})
    header = f"{'scorer':16}" + "".join(f"{c:>17}" for c in categories) + f"{'false esc.':>12}"
    lines = [f"set: {set_name}", header]
    for r in results:
        cells = "".join(f"{r.recall.get(c, 0.0):>17.3f}" for c in categories)
        lines.append(f"{r.name:16}{cells}{r.false_escalation_rate:>12.3f}")
    support = results[0].support
    lines.append(f"{'(n)':16}" + "".join(f"{support.get(c, 0):>17}" for c in categories)
                 + f"{results[0].negatives:>12}")
    harbor, crisis = results[0], next(r for r in results if r.name == "crisis keywords")
    gains = ", ".join(f"{c} {harbor.recall.get(c, 0.0) - crisis.recall.get(c, 0.0):+.3f}" for c in categories)
    lines.append(f"live path minus crisis keywords: recall {gains}; false escalations "
                 f"{harbor.false_escalation_rate - crisis.false_escalation_rate:+.3f}")
    lines.append("goals: recall >= 0.98 imminent_danger and self_harm, >= 0.95 exploitation and abuse; "
                 "false escalations <= 0.05 ('paged or asked' counts a check-in as caught and as a false alarm)")
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
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-misses", action="store_true",
                        help="print the numbers only: a held-out set's misses must not be read by whoever tunes")
    args = parser.parse_args(argv)
    from bot.nlu.risk.classifier import MODEL_PATH, live_classifier

    if not MODEL_PATH.exists():
        print(f"risk_eval: no risk classifier at {MODEL_PATH}; run `harbor train`", file=sys.stderr)
        return 2
    rows = load_set(args.set)
    results = [evaluate("live path", live_scorer, rows),
               evaluate("paged, any cat.", live_any_category, rows),
               evaluate("paged or asked", live_or_check_in, rows),
               evaluate("rules only", rules_scorer, rows),
               evaluate("classifier only", classifier_scorer, rows),
               evaluate("crisis keywords", keyword_baseline, rows),
               evaluate("naive keywords", naive_baseline, rows)]
    if args.json:
        print(json.dumps([{"scorer": r.name, "recall": r.recall, "support": r.support,
                           "false_escalation_rate": r.false_escalation_rate,
                           "negatives": r.negatives} for r in results], indent=2))
    else:
        classifier = live_classifier()
        print(f"classifier: {classifier.validation.describe()}" if classifier else "")
        inside = args.set.is_absolute() and args.set.is_relative_to(PROJECT_ROOT)
        shown = str(args.set.relative_to(PROJECT_ROOT) if inside else args.set)
        report = render(results, shown)
        print(report.split("\nmissed:")[0].split("\nfalse escalations:")[0] if args.no_misses else report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
