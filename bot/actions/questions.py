"""Is this a question? By its words (a question mark, a question word opening a clause) and by what the
classifier made of it (an `ask_*` intent, or `faq` for the response selector's long tail)."""

from __future__ import annotations

import re

# A question: a question mark, or a question word opening any clause ("my dad hits me what do i do").
# "can't" and "who cares" are not questions; a tag after a comma ("..., right") is, "and he's right" is not.
QUESTION = re.compile(
    r"\?|(?:^|[.!,;]\s*|\b(?:and|but|so|like)\s+|\balso\s+(?=any\b|is there\b|are there\b)|\bme\s+)"
    r"(?:how|what|wut|wat|where|when|why|which|who(?!\s+cares)|can(?!'?t\b)|could|will|would|is|are|do|does|did|"
    r"should|am i|any|anyone|anywhere)\b|"
    r",\s*(?:right|huh)\W*$", re.IGNORECASE)  # a tag question: "this stuff dont happen to guys, right"


def asks_a_question(text: str | None) -> bool:
    return bool(QUESTION.search(text or ""))


def is_question_intent(intent: str | None) -> bool:
    """An intent whose answer is information, not a search or a form."""
    return bool(intent) and (intent.startswith("ask_") or intent == "faq")


# "what about for his little sister, she's 12", "and how about in stockton": the last thing asked, for someone or
# somewhere else.
WHAT_ABOUT = re.compile(r"^\W*(?:and |ok |okay |also )?(?:what|how) about\b", re.IGNORECASE)
