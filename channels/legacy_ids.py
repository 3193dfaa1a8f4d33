"""One-time move of a database written before conversation ids were pseudonyms.

Before, an SMS conversation's id was the sender's phone number and REST and web-chat clients chose
their own ids. At every `harbor up` (idempotent: only ids without a namespace are touched):
- an id that is a phone number becomes its "sms:" pseudonym, and the number goes, encrypted, into
  the one table that may hold it; escalations follow; old opt-outs move over (STOP still holds);
- a 32-hex id (a web chat session) becomes "web:<id>"; any other id becomes "rest:<id>".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import inspect, text, update
from sqlalchemy.orm import Session

from channels import sms_store
from harbor.core.pseudonyms import PREFIXES, REST_PREFIX, WEB_PREFIX, e164, sms_conversation_id
from hotline.models import Escalation

log = logging.getLogger("harbor.migrate")
PHONE = re.compile(r"^\+?\d{8,15}$")
WEB_SESSION = re.compile(r"^[0-9a-f]{32}$")
ERASED = "erased:"


@dataclass(frozen=True)
class Moved:
    conversations: int
    numbers: int
    opt_outs: int


def new_id(old: str) -> tuple[str, str | None]:
    """The namespaced id for a legacy id, and the number to keep encrypted when it was one."""
    if PHONE.match(old):
        number = e164(old)
        return sms_conversation_id(number), number
    if WEB_SESSION.match(old):
        return WEB_PREFIX + old, None
    return REST_PREFIX + old, None


def _legacy(conversation_id: str) -> bool:
    return not conversation_id.startswith((*PREFIXES, ERASED))


def move_legacy_ids(session: Session) -> Moved:
    has_table = inspect(session.connection()).has_table
    old_ids: set[str] = set()
    if has_table("events"):
        old_ids.update(sender for (sender,) in session.execute(text("SELECT DISTINCT sender_id FROM events")))
    old_ids.update(session.scalars(text("SELECT DISTINCT conversation_id FROM harbor_escalations")))
    numbers = 0
    moved = 0
    for old in sorted(filter(_legacy, old_ids)):
        new, number = new_id(old)
        if has_table("events"):
            session.execute(text("UPDATE events SET sender_id = :new WHERE sender_id = :old"), {"new": new, "old": old})
        session.execute(update(Escalation).where(Escalation.conversation_id == old).values(conversation_id=new))
        if number is not None:
            sms_store.remember_number_in(session, new, number)
            numbers += 1
        moved += 1
    opt_outs = 0
    if has_table("harbor_sms_optouts"):
        rows = list(session.execute(text("SELECT phone, opted_out FROM harbor_sms_optouts")))
        for phone, opted_out in rows:
            sms_store.set_opted_out_in(session, sms_conversation_id(e164(phone)), bool(opted_out))
            opt_outs += 1
        session.execute(text("DELETE FROM harbor_sms_optouts"))
    if moved or opt_outs:
        log.warning("moved %s conversations to pseudonymous ids (%s numbers now encrypted, %s opt-outs)",
                    moved, numbers, opt_outs)
    return Moved(moved, numbers, opt_outs)
