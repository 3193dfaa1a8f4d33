"""What the channels say themselves (carrier keywords, long messages, DELETE): the texts live with
every other response, in domain.yml, read once per process."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from harbor.core.settings import DOMAIN_FILE


@lru_cache(maxsize=1)
def _variations() -> dict[str, list[dict]]:
    return yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["responses"]


def _matches(variation: dict, slots: dict[str, Any]) -> bool:
    return all(c.get("type") != "slot" or slots.get(c.get("name")) == c.get("value")
               for c in variation.get("condition") or [])


def channel_text(name: str, slots: dict[str, Any] | None = None) -> str:
    """The variation the bot would pick for these slots (who is asking, their language), the most specific
    one that matches; channel texts said before or outside Rasa have no slots and get the default."""
    variations = [v for v in _variations()[name] if not v.get("channel")] or _variations()[name]
    matching = [v for v in variations if v.get("condition") and _matches(v, slots or {})]
    if matching:
        return max(matching, key=lambda v: len(v["condition"]))["text"]
    return next((v for v in variations if not v.get("condition")), variations[0])["text"]
