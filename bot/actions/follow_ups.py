"""A place said right after an answer about places: "What about Los Angeles?" after the task forces
answer asks for that answer's part about Los Angeles, not for a program search there."""

from __future__ import annotations

import re
from typing import Any

from bot.actions.more import last_response_name
from harbor.core.more_pages import split_page_name

MAX_PAGES = 9
# The long-tail answers only: search results name places too (and another place means another search),
# and utter_ask_* also names the questions Harbor's forms ask ("like Oakland").
ANSWERS = ("utter_faq/",)


def page_about_place(place: str, events: list[dict[str, Any]], responses: dict[str, Any]) -> str | None:
    """Another page of the answer just given that names `place`; None when only the page just shown does
    (showing it again would not help) or none does."""
    last = last_response_name(events)
    if not last or not last.startswith(ANSWERS):
        return None
    base, _ = split_page_name(last)
    pages = [base, *(f"{base}_{n}" for n in range(2, MAX_PAGES + 1))]
    named = re.compile(rf"(?<!\w){re.escape(place)}(?!\w)", re.IGNORECASE)
    for page in pages:
        if page == last:
            continue
        texts = " ".join(str(variant.get("text") or "") for variant in responses.get(page) or [])
        if named.search(texts):
            return page
    return None
