"""Risk levels and categories: the one vocabulary the risk scorer, the escalations, the pages and the
bot's replies share. Levels are ordered numbers inside the scorer and lower-case names everywhere
else (the tracker, the database, pages, the CLI's JSON)."""

from __future__ import annotations

NONE, CONCERN, HIGH, IMMINENT = 0, 1, 2, 3

LEVEL_NAMES = {NONE: "none", CONCERN: "concern", HIGH: "high", IMMINENT: "imminent"}
LEVELS_BY_NAME = {name: level for level, name in LEVEL_NAMES.items()}
# The levels that page an advocate; concern makes the bot ask "are you safe right now?" instead.
ESCALATING_LEVELS = ("high", "imminent")

IMMINENT_DANGER = "imminent_danger"
SELF_HARM = "self_harm"
EXPLOITATION = "exploitation"
ABUSE = "abuse"
THIRD_PARTY = "third_party"

CATEGORIES = (IMMINENT_DANGER, SELF_HARM, EXPLOITATION, ABUSE, THIRD_PARTY)

# How a page names a category: a few plain words, never anything the youth wrote.
CATEGORY_LABELS = {
    IMMINENT_DANGER: "danger now", SELF_HARM: "self-harm", EXPLOITATION: "exploitation",
    ABUSE: "abuse", THIRD_PARTY: "third-party report",
}


def rank(level: str) -> int:
    """A level name's place in the order none < concern < high < imminent."""
    return LEVELS_BY_NAME[level]
