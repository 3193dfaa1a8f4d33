"""Read a person's replies in the resource search: kind of help and place. No Rasa imports."""

from __future__ import annotations

import re

from harbor.core.text_checks import declines_to_answer
from resources_db.categories import category_for

SKIP = "skip"
ANY = "any"
# Beyond declining (harbor/core/text_checks.py): the search's own ways of saying "no place, no age".
_NO_ANSWER_WORDS = re.compile(r"^(no|nope|nah|no\s*thanks?|n/?a|anywhere|statewide|nowhere|no\s*where|unknown)[.!]*$",
                              re.IGNORECASE)
_ANY_WORDS = re.compile(r"^(any|anything|all|everything|idk|not\s*sure|whatever|dunno)[.!]*$", re.IGNORECASE)


def is_skip(text: str | None) -> bool:
    return declines_to_answer(text) or (bool(text) and bool(_NO_ANSWER_WORDS.match(text.strip())))


def read_category(text: str | None) -> str | None:
    """A category code, ANY for "anything", or None when the reply names none."""
    if text and _ANY_WORDS.match(text.strip()):
        return ANY
    category = category_for(text)
    return category.code if category else None
