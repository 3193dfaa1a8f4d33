"""SMS from a number on the on-call roster is an advocate, not a youth: it never reaches the bot.
Plain module: no Rasa, no HTTP.

Guarantees of `ACK <code>` by text:
- only the 6-digit code from a page acknowledges, and only from an advocate a page for that
  escalation was written to (hotline.escalations.acknowledge_as_paged); an escalation id or
  "ESC-12" never does (the local CLI `harbor escalations ack` still takes those);
- a code that does not exist and a code for an escalation this advocate was not paged for get the
  same reply and count the same, so a roster member cannot learn which codes exist;
- MAX_WRONG_CODES wrong codes lock ACK by text for that advocate for LOCK_SECONDS; while locked,
  every ACK is refused (the right code too) with how long is left; a right code resets the count.
  The count lives in harbor_ack_guards keyed by advocate id (never the phone number) and is
  updated under a row lock, so texts sent at once are counted one after the other;
- nothing here logs a phone number or a message's text.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from harbor.core.db import session_scope
from hotline.escalations import ACK_CODE, acknowledge_as_paged
from hotline.models import AckGuard, Advocate
from hotline.roster import is_roster_number

log = logging.getLogger("harbor.ack")

ACK = re.compile(r"^\s*ack\s*#?\s*(\S+)\s*$", re.IGNORECASE)
MAX_WRONG_CODES = 5
LOCK_SECONDS = 600

USAGE = "Harbor: reply ACK and the code from the page (like ACK 123456) to acknowledge it."
NEEDS_CODE = "Harbor: ACK needs the 6-digit code from the page (like ACK 123456), not the ESC number."
WRONG = ("Harbor: that code was not accepted. Check the 6-digit code in your page. "
         "{left} more wrong {tries} and ACK by text is locked for {minutes} minutes.")
LOCKED = ("Harbor: ACK by text from this phone is locked for {minutes} more {unit} after {max} wrong "
          "codes. Use the console or call your supervisor.")
DONE = "Harbor: ESC-{id} is acknowledged by {by}. Thank you."


def is_advocate(from_number: str) -> bool:
    """Whether the sender is on the roster (their messages never reach the bot)."""
    with session_scope() as session:
        return is_roster_number(session, from_number) is not None


def handle_if_advocate(from_number: str, body: str, *, clock: Callable[[], datetime] = datetime.utcnow,
                       url: str | None = None) -> str | None:
    """The reply to an advocate's SMS, or None when the sender is not on the roster.

    `clock` (UTC, naive) and `url` (the database) are for tests; the SMS channel passes neither.
    """
    with session_scope(url) as session:
        advocate = is_roster_number(session, from_number)
        if advocate is None:
            return None
        match = ACK.match(body or "")
        if match is None:
            return USAGE
        return _ack(session, advocate, match.group(1), clock())


def _ack(session: Session, advocate: Advocate, token: str, now: datetime) -> str:
    guard = _locked_guard(session, advocate.id, now)
    if guard.locked_until is not None and guard.locked_until > now:
        return _locked_reply(guard.locked_until - now)
    if ACK_CODE.fullmatch(token) is None:
        # An id or "ESC-12" is not a guess at a code: explain, and do not count it.
        return NEEDS_CODE
    escalation = acknowledge_as_paged(session, token, advocate, now)
    if escalation is None:
        return _wrong_code(guard, advocate.id, now)
    guard.failures = 0
    return DONE.format(id=escalation.id, by=escalation.acknowledged_by)


def _locked_guard(session: Session, advocate_id: int, now: datetime) -> AckGuard:
    """The advocate's guard row, created if missing, with its row held until the transaction ends."""
    # The UPDATE comes first on purpose: it takes PostgreSQL's row lock or SQLite's write lock, so
    # the read below cannot race another text from the same phone.
    touched = session.execute(update(AckGuard).where(AckGuard.advocate_id == advocate_id)
                              .values(updated_at=now), execution_options={"synchronize_session": False})
    if touched.rowcount == 0:
        _insert_if_missing(session, advocate_id, now)
    return session.scalars(select(AckGuard).where(AckGuard.advocate_id == advocate_id)
                           .with_for_update().execution_options(populate_existing=True)).one()


def _insert_if_missing(session: Session, advocate_id: int, now: datetime) -> None:
    values = {"advocate_id": advocate_id, "failures": 0, "locked_until": None, "updated_at": now}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # no ON CONFLICT: a first text racing another first text fails and Twilio retries it
        session.add(AckGuard(**values))
        session.flush()
        return
    session.execute(insert(AckGuard).values(**values).on_conflict_do_nothing(index_elements=["advocate_id"]))


def _wrong_code(guard: AckGuard, advocate_id: int, now: datetime) -> str:
    guard.failures += 1
    minutes = LOCK_SECONDS // 60
    if guard.failures < MAX_WRONG_CODES:
        log.warning("ACK by text: wrong code from advocate #%s (%s of %s)", advocate_id, guard.failures,
                    MAX_WRONG_CODES)
        left = MAX_WRONG_CODES - guard.failures
        return WRONG.format(left=left, tries="try" if left == 1 else "tries", minutes=minutes)
    guard.failures = 0  # the lock starts a fresh count when it ends
    guard.locked_until = now + timedelta(seconds=LOCK_SECONDS)
    log.error("ACK by text LOCKED for advocate #%s for %s minutes after %s wrong codes", advocate_id, minutes,
              MAX_WRONG_CODES)
    return _locked_reply(timedelta(seconds=LOCK_SECONDS))


def _locked_reply(left: timedelta) -> str:
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    return LOCKED.format(minutes=minutes, unit="minute" if minutes == 1 else "minutes", max=MAX_WRONG_CODES)
