"""What the channels say themselves (carrier keywords, long messages, DELETE): the texts live with
every other response, in domain.yml, read once per process."""

from __future__ import annotations

from functools import lru_cache

import yaml

from harbor.core.settings import DOMAIN_FILE


@lru_cache(maxsize=1)
def _variations() -> dict[str, list[dict]]:
    return yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["responses"]


def _in_language(variation: dict, language: str) -> bool:
    return any(condition.get("name") == "language" and condition.get("value") == language
               for condition in variation.get("condition") or [])


def channel_text(name: str, language: str = "en") -> str:
    """The default variation: channel texts are said before or outside Rasa, with no slots to choose by,
    except the language the message itself was written in."""
    variations = _variations()[name]
    if language != "en":
        translated = [v for v in variations if _in_language(v, language) and not v.get("channel")]
        if translated:
            return translated[0]["text"]
    return next((v for v in variations if not v.get("condition") and not v.get("channel")), variations[0])["text"]
