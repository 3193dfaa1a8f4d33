"""What a page says. Rule 4: an id, a level, a category, a console link; never message text
and never the youth's phone number (nor the conversation id, which may be derived from it).
Every body goes through `to_gsm7`, so a page is one GSM-7 SMS segment set, never UCS-2."""

from __future__ import annotations

import hashlib

from harbor.core.gsm7 import to_gsm7
from harbor.core.risk_levels import CATEGORY_LABELS
from hotline.models import Escalation


def page_body(escalation: Escalation, console_url: str, reference: str) -> str:
    categories = [c for c in escalation.categories.split(",") if c]
    label = ", ".join(CATEGORY_LABELS.get(c, c) for c in categories) or "unspecified"
    text = (f"Harbor ESC-{escalation.id}: {escalation.level.upper()} risk ({label}). "
            f"{console_url}/escalations/{escalation.id} Reply ACK {escalation.ack_code} "
            f"[ref {_short(reference)}]")
    return to_gsm7(text)


def storm_alert_body(recent: int, window_seconds: int, first_id: int, held_from_id: int, console_url: str,
                     reference: str) -> str:
    """The supervisor's one page-storm alert: counts, an id range and the queue link, nothing else.

    It carries no ACK code: a storm is triaged in the queue, escalation by escalation.
    """
    text = (f"Harbor PAGE STORM: {recent} new escalations in {window_seconds} s (ESC-{first_id}..ESC-{held_from_id})."
            f" Pages held from ESC-{held_from_id}, no re-pages. Queue: {console_url}/escalations "
            f"[ref {_short(reference)}]")
    return to_gsm7(text)


def _short(reference: str) -> str:
    return hashlib.sha256(reference.encode()).hexdigest()[:8]


def reference_marker(reference: str) -> str:
    """The marker in a page's text that identifies it at the provider after a crash."""
    return f"[ref {_short(reference)}]"
