"""Remove near-duplicate NLU examples: within one intent, an example at least 0.9 similar (after lower
case and punctuation) to one kept before it; across intents, an exact copy (it would teach both).
Files are read in order (the first writers' files, then the written_* ones), so earlier files win.

    .venv/bin/python scripts/dedupe_nlu.py          # rewrites bot/data/nlu/*.yml in place, prints counts
"""

from __future__ import annotations

import re
import sys
from difflib import SequenceMatcher
from pathlib import Path

import yaml

from harbor.core.settings import PROJECT_ROOT

NLU_DIR = PROJECT_ROOT / "bot" / "data" / "nlu"
NEAR = 0.9


def normal(text: str) -> str:
    if text.strip().isupper():  # a keyword the bot offers ("MENU") stays beside its lower-case twin
        return "KEYWORD " + text.strip()
    return re.sub(r"[\W_]+", " ", text.lower()).strip() or text.strip()


def near(a: str, b: str) -> bool:
    m = SequenceMatcher(None, a, b, autojunk=False)
    return m.real_quick_ratio() >= NEAR and m.quick_ratio() >= NEAR and m.ratio() >= NEAR


def main() -> int:
    files = sorted(NLU_DIR.glob("*.yml"), key=lambda p: (p.name.startswith(("written_", "retired_")), p.name))
    kept_by_intent: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    removed = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        changed = False
        for block in data.get("nlu", []):
            if "intent" not in block:
                continue
            intent = block["intent"]
            lines = [line for line in block["examples"].splitlines() if line.strip()]
            keep = []
            for line in lines:
                example = normal(line.strip().removeprefix("- "))
                if owner.get(example, intent) != intent or example in owner or any(
                        near(example, other) for other in kept_by_intent.get(intent, [])):
                    removed += 1
                    changed = True
                    continue
                owner[example] = intent
                kept_by_intent.setdefault(intent, []).append(example)
                keep.append(line)
            block["_keep"] = keep
        if changed:
            _rewrite(path, text, data)
    print(f"removed {removed} near-duplicate examples; kept {sum(len(v) for v in kept_by_intent.values())}")
    return 0


def _rewrite(path: Path, text: str, data: dict) -> None:
    """Rewrite only the example lines, keeping comments and layout: drop the lines not kept."""
    keep_lines = {line.strip() for block in data["nlu"] if "_keep" in block for line in block["_keep"]}
    out, in_examples = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("examples:"):
            in_examples = True
        elif in_examples and stripped.startswith("- ") and line.startswith("    "):
            if stripped not in keep_lines:
                continue
            keep_lines.discard(stripped)
        elif not line.startswith("    "):
            in_examples = False
        out.append(line)
    new_text = "\n".join(out) + "\n"
    expected = sum(len(block["_keep"]) for block in data["nlu"] if "_keep" in block)
    written = sum(len([x for x in block["examples"].splitlines() if x.strip()])
                  for block in yaml.safe_load(new_text)["nlu"] if "intent" in block)
    if written != expected:  # never lose a writer's file to a layout this script did not expect
        raise SystemExit(f"{path.name}: would keep {written} examples, expected {expected}; file left as it was")
    path.write_text(new_text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
