"""SMS from a number on the on-call roster is an advocate, not a youth: it never reaches the bot.
`ACK <code>` acknowledges the escalation a page named. Plain module: no Rasa, no HTTP."""

from __future__ import annotations

import re
from datetime import datetime

from hotline.db import session_scope
from hotline.escalations import EscalationError, acknowledge
from hotline.roster import is_roster_number

ACK = re.compile(r"^\s*ack\s*#?\s*(\w+)\s*$", re.IGNORECASE)
USAGE = "Harbor: reply ACK and the code from the page (like ACK 123456) to acknowledge it."


def handle_if_advocate(from_number: str, body: str) -> str | None:
    """The reply to an advocate's SMS, or None when the sender is not on the roster."""
    with session_scope() as session:
        advocate = is_roster_number(session, from_number)
        if advocate is None:
            return None
        match = ACK.match(body or "")
        if match is None:
            return USAGE
        try:
            escalation = acknowledge(session, match.group(1), by=advocate.name, now=datetime.utcnow())
        except EscalationError:
            return f"Harbor: no escalation with code {match.group(1)}. {USAGE}"
        return f"Harbor: ESC-{escalation.id} is acknowledged by {escalation.acknowledged_by}. Thank you."
