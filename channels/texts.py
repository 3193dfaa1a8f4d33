"""What the channels say themselves (carrier keywords, long messages, DELETE): the texts live with
every other response, in domain.yml, read once per process."""

from __future__ import annotations

from functools import lru_cache

import yaml

from harbor.core.settings import DOMAIN_FILE


@lru_cache(maxsize=1)
def _responses() -> dict[str, str]:
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    # The default variation: channel texts are said before or outside Rasa, with no slots to choose by.
    return {name: next((v for v in variations if not v.get("condition") and not v.get("channel")),
                       variations[0])["text"] for name, variations in domain["responses"].items()}


def channel_text(name: str) -> str:
    return _responses()[name]
