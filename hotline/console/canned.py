"""Canned replies an advocate can start from: only vetted texts, the crisis lines of
bot/crisis_lines.yml (each with its source there). Read as data: nothing of the bot is imported."""

from __future__ import annotations

from pathlib import Path

import yaml


def replies(crisis_lines_file: Path) -> list[tuple[str, str]]:
    """(label, text) for each vetted line, in the file's order."""
    lines = (yaml.safe_load(crisis_lines_file.read_text(encoding="utf-8")) or {}).get("crisis_lines") or {}
    found = []
    for entry in lines.values():
        ways = [f"call {entry['call']}"] + ([f"text {entry['text']}"] if entry.get("text") else [])
        when = f" ({entry['when']})" if entry.get("when") else ""
        found.append((entry["name"], f"{entry['name']}{when}: {' or '.join(ways)}."))
    return found
