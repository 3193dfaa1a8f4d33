"""Long answers are split into SMS-sized pages named utter_X, utter_X_2, utter_X_3, ...

Plain functions (no Rasa imports) so the MORE action, the domain tests and the CLI share
one definition of what "the next page" is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PAGE_SUFFIX = re.compile(r"^(?P<base>.+?)_(?P<number>[2-9]|[1-9]\d+)$")

MORE_PROMPT = "Reply MORE"
# Responses that offer MORE for a list the actions build (search results), not for a next page.
DYNAMIC_MORE_PROMPTS = ("utter_resource_more_prompt",)


def split_page_name(response_name: str) -> tuple[str, int]:
    """Return (base name, page number); the first page has number 1."""
    match = _PAGE_SUFFIX.match(response_name)
    if match is None:
        return response_name, 1
    return match.group("base"), int(match.group("number"))


def next_page_name(response_name: str) -> str:
    base, number = split_page_name(response_name)
    return f"{base}_{number + 1}"


def next_page(response_name: str, available: Iterable[str]) -> str | None:
    """The response that continues `response_name`, or None when it is the last page."""
    candidate = next_page_name(response_name)
    return candidate if candidate in set(available) else None


def has_more_prompt(text: str) -> bool:
    return MORE_PROMPT.lower() in text.lower()
