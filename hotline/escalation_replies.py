"""Which reply an escalation gets: the crisis line that fits the first matching category, with the
promise that an advocate was alerted only when one was. Shared by the escalate action and by the
channels, which say it themselves when the action server died before it could."""

from __future__ import annotations

# (category, reply when an advocate was alerted, reply when nobody could be)
REPLIES = [
    ("imminent_danger", "utter_escalate_danger", "utter_in_danger_now"),
    ("self_harm", "utter_escalate_self_harm", "utter_self_harm"),
    ("third_party", "utter_escalate_third_party", "utter_disclose_exploitation"),
    ("exploitation", "utter_escalate_exploitation", "utter_disclose_exploitation"),
    ("abuse", "utter_escalate_abuse", "utter_abuse"),
]


def choose_replies(categories: list[str]) -> tuple[str, str]:
    for category, escalated, fallback in REPLIES:
        if category in categories:
            return escalated, fallback
    return "utter_escalate_danger", "utter_in_danger_now"


def choose_for(categories: list[str], asked: str | None) -> tuple[str, str]:
    """A parent whose child is missing gets the missing-child answer, escalated or not."""
    if asked == "report_missing":
        return "utter_escalate_missing", "utter_report_missing"
    return choose_replies(categories)
