"""What a page says. Rule 4: an id, a level, a category, a console link; never message text
and never the youth's phone number."""

from __future__ import annotations

import hashlib

from harbor.gsm7 import to_gsm7
from hotline.models import Escalation

CATEGORY_LABELS = {
    "imminent_danger": "danger now", "self_harm": "self-harm", "exploitation": "exploitation",
    "abuse": "abuse", "third_party": "third-party report",
}


def page_body(escalation: Escalation, console_url: str, reference: str) -> str:
    categories = [c for c in escalation.categories.split(",") if c]
    label = ", ".join(CATEGORY_LABELS.get(c, c) for c in categories) or "unspecified"
    text = (f"Harbor ESC-{escalation.id}: {escalation.level.upper()} risk ({label}). "
            f"{console_url}/escalations/{escalation.id} Reply ACK {escalation.ack_code} "
            f"[ref {_short(reference)}]")
    return to_gsm7(text)


def _short(reference: str) -> str:
    return hashlib.sha256(reference.encode()).hexdigest()[:8]


def reference_marker(reference: str) -> str:
    """The marker in a page's text that identifies it at the provider after a crash."""
    return f"[ref {_short(reference)}]"
