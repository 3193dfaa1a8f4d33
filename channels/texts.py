"""What the channels say themselves (carrier keywords, long messages, DELETE): the texts live with
every other response, in domain.yml, read once per process."""

from __future__ import annotations

from functools import lru_cache

import yaml

from harbor.settings import PROJECT_ROOT


@lru_cache(maxsize=1)
def _responses() -> dict[str, str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {name: variations[0]["text"] for name, variations in domain["responses"].items()}


def channel_text(name: str) -> str:
    return _responses()[name]
