"""Escalations: written before the youth is told someone will reach out, one open per conversation.

Guarantees:
- Opening an escalation also writes its first page to the outbox in the same transaction, so a
  crash between the two cannot leave an escalation nobody is paged for.
- ACK codes are 6 digits from `secrets`, unique over every escalation; finding a free one takes at
  most ACK_CODE_TRIES draws, then AckCodeError (never an endless loop).
- Page storm: when more than `page_storm_per_minute` escalations were opened in the last
  STORM_WINDOW_SECONDS, a new one is still written (the queue shows it) but its pages are written
  as HELD and it has no re-page timer, unless it is imminent: danger right now is never held, and a
  held one that turns imminent is released at once. When the window is quiet again, the pager lets
  held escalations out oldest first, no faster than the limit per minute (`release_after_storm`):
  a storm delays pages, it never loses them. The supervisor on
  call gets one storm alert (counts, an id range, the queue link; no ACK code), and no second one
  while an alert is younger than STORM_ALERT_QUIET_SECONDS. The count and the alert decision are
  serialised across processes (SQLite's single writer; a PostgreSQL advisory lock), so concurrent
  openings cannot all slip under the limit or alert twice.
- By text, an escalation is acknowledged only with its 6-digit code and only by an advocate a page
  for it was written to (`acknowledge_as_paged`); the local CLI still takes an id or a code.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from harbor.core.metrics import ESCALATIONS, LEVELS, TIME_TO_ACK, label, on_commit
from harbor.core.risk_levels import ESCALATING_LEVELS, rank
from harbor.core.settings import HotlineConfig
from hotline.models import (
    ACKNOWLEDGED,
    CANCELLED,
    HELD,
    OPEN,
    PENDING,
    STORM_KEY_PREFIX,
    Advocate,
    Escalation,
    Page,
    PageStorm,
)
from hotline.pages import page_body, storm_alert_body
from hotline.roster import OnCall, who_is_on_call

log = logging.getLogger("harbor.escalation")

ACK_CODE_TRIES = 20
ACK_CODE = re.compile(r"[0-9]{6}")  # not \d: that also matches other scripts' digits
OPEN_TRIES = 3  # a unique-index race is retried this often, then reported
STORM_WINDOW_SECONDS = 60
STORM_ALERT_QUIET_SECONDS = 600
# Any fixed 64-bit number: the PostgreSQL advisory lock that serialises storm decisions.
STORM_LOCK_KEY = 0x48415242_53544F52


class EscalationError(ValueError):
    """Bad input (a level that does not escalate, an unknown id or code); the message says which."""


class EscalationWriteError(RuntimeError):
    """The escalation could not be written; callers fall back to the crisis line alone."""


class AckCodeError(EscalationWriteError):
    """No free ACK code was found within ACK_CODE_TRIES draws."""


@dataclass
class Opened:
    escalation_id: int
    created: bool
    level: str
    paged: list[str]  # roles whose page will be sent in this step: primary, backup, supervisor
    held: bool = False  # its pages are held (page storm): nobody is paged for it


def new_ack_code(session: Session, tries: int = ACK_CODE_TRIES) -> str:
    """A 6-digit code no escalation has; AckCodeError after `tries` taken draws."""
    for _ in range(tries):
        code = f"{secrets.randbelow(1_000_000):06d}"
        if session.scalar(select(Escalation.id).where(Escalation.ack_code == code)) is None:
            return code
    taken = session.scalar(select(func.count(Escalation.id)))
    raise AckCodeError(f"no free 6-digit ACK code after {tries} tries ({taken} escalations hold codes)")


def enqueue_page(session: Session, escalation: Escalation, advocate: Advocate | None, role: str,
                 config: HotlineConfig, now: datetime, held: bool = False) -> bool:
    """One outbox row per (escalation, stage, role, advocate, level); a second call is a no-op.

    A held page is written with status HELD: the pager never sends it.
    """
    if advocate is None:
        return False
    key = f"esc{escalation.id}-s{escalation.stage}-{role}-a{advocate.id}-{escalation.level}"
    if session.scalar(select(Page.id).where(Page.idempotency_key == key)) is not None:
        return False
    session.add(Page(escalation_id=escalation.id, advocate_id=advocate.id, to_number=advocate.phone,
                     body=page_body(escalation, config.console_url, reference=key),
                     idempotency_key=key, status=HELD if held else PENDING, next_attempt_at=now,
                     created_at=now))
    return True


def page_kind(idempotency_key: str) -> str:
    """What a page is, from its key (see enqueue_page): the escalation's first page, a re-page, or a storm alert."""
    if idempotency_key.startswith(STORM_KEY_PREFIX):
        return "storm_alert"
    return "first" if "-s0-" in idempotency_key else "repage"


def open_or_update(session: Session, conversation_id: str, channel: str, level: str,
                   categories: list[str], config: HotlineConfig, now: datetime) -> Opened:
    """Open an escalation for the conversation, or update its open one; pages go into the outbox."""
    if level not in ESCALATING_LEVELS:
        raise EscalationError(f"only high or imminent risk escalates, not {level!r}")
    for _ in range(OPEN_TRIES):
        existing = session.scalar(select(Escalation).where(
            Escalation.conversation_id == conversation_id, Escalation.status == OPEN))
        if existing is not None:
            return _update(session, existing, level, categories, config, now)
        escalation = Escalation(conversation_id=conversation_id, channel=channel, level=level,
                                categories=",".join(sorted(categories)), status=OPEN,
                                ack_code=new_ack_code(session), stage=0, created_at=now, updated_at=now,
                                next_action_at=now + timedelta(seconds=config.first_repage_seconds(level)))
        session.add(escalation)
        try:
            session.flush()
        except IntegrityError:
            # Another process opened one for this conversation (or drew the same code) a moment
            # ago: start over, and find and update that one.
            session.rollback()
            continue
        return _page_new(session, escalation, config, now)
    raise EscalationWriteError(f"could not open an escalation after {OPEN_TRIES} conflicting writes")


def _update(session: Session, existing: Escalation, level: str, categories: list[str],
            config: HotlineConfig, now: datetime) -> Opened:
    merged = sorted(set(filter(None, existing.categories.split(","))) | set(categories))
    existing.categories = ",".join(merged)
    existing.updated_at = now
    held = pages_held(session, existing.id)
    paged: list[str] = []
    if rank(level) > rank(existing.level):
        existing.level = level
        if existing.next_action_at is not None and existing.stage == 0:
            # A higher level has a shorter answer target: its re-page comes sooner (at once if past).
            existing.next_action_at = min(existing.next_action_at, existing.created_at + timedelta(
                seconds=config.first_repage_seconds(level)))
        if held and level == "imminent":
            release(session, existing, config, now)  # danger now: out of the storm at once
            held = False
        # A held escalation stays held: raising its level must not slip a page out of the storm.
        on_call = who_is_on_call(session, now)
        if enqueue_page(session, existing, on_call.primary, "primary", config, now, held=held) and not held:
            paged.append("primary")
    session.flush()
    return Opened(existing.id, False, existing.level, paged, held=held)


def _page_new(session: Session, escalation: Escalation, config: HotlineConfig, now: datetime) -> Opened:
    level = label(escalation.level, LEVELS)
    on_commit(session, lambda: ESCALATIONS.labels(level).inc())
    on_call = who_is_on_call(session, now)
    recent, first_id = _recent_openings(session, now)
    # Danger right now is never held: a flood must not silence the one message that cannot wait.
    held = recent > config.page_storm_per_minute and escalation.level != "imminent"
    if held:
        escalation.next_action_at = None  # no re-page timer: the supervisor triages the storm
    roles = _enqueue_first_pages(session, escalation, on_call, config, now, held)
    session.flush()
    if not held:
        return Opened(escalation.id, True, escalation.level, roles)
    log.warning("ESC-%s: page held (page storm: %s new escalations in %s s)", escalation.id, recent,
                STORM_WINDOW_SECONDS)
    _alert_storm(session, escalation, on_call.supervisor, recent, first_id, config, now)
    return Opened(escalation.id, True, escalation.level, [], held=True)


def _enqueue_first_pages(session: Session, escalation: Escalation, on_call: OnCall, config: HotlineConfig,
                         now: datetime, held: bool) -> list[str]:
    if enqueue_page(session, escalation, on_call.primary, "primary", config, now, held):
        return ["primary"]
    # Nobody on shift: go straight to the backup and the supervisor rather than wait.
    return [role for role, person in (("backup", on_call.backup), ("supervisor", on_call.supervisor))
            if enqueue_page(session, escalation, person, role, config, now, held)]


def release(session: Session, escalation: Escalation, config: HotlineConfig, now: datetime) -> None:
    """Send an escalation's held pages now and give it its ACK timer back."""
    session.execute(update(Page).where(_escalation_pages(escalation.id), Page.status == HELD)
                    .values(status=PENDING, next_attempt_at=now).execution_options(synchronize_session=False))
    escalation.next_action_at = now + timedelta(seconds=config.first_repage_seconds(escalation.level))
    escalation.updated_at = now
    log.warning("ESC-%s: held pages released", escalation.id)


def release_after_storm(session: Session, config: HotlineConfig, now: datetime, budget: int) -> list[int]:
    """Once the storm has passed (the window holds no more openings than the limit), release up to
    `budget` held open escalations, oldest first, so a storm delays pages but never loses them."""
    recent, _ = _recent_openings(session, now)
    if recent > config.page_storm_per_minute or budget <= 0:
        return []
    held_ids = select(Page.escalation_id).where(Page.status == HELD)
    waiting = list(session.scalars(select(Escalation).where(Escalation.status == OPEN, Escalation.id.in_(held_ids))
                                   .order_by(Escalation.id).limit(budget)))
    for escalation in waiting:
        release(session, escalation, config, now)
    return [e.id for e in waiting]


def _recent_openings(session: Session, now: datetime) -> tuple[int, int]:
    """How many escalations were opened in the window (this one included), and the first one's id.

    Called after this escalation's INSERT: on SQLite that INSERT holds the single write lock, on
    PostgreSQL the advisory lock below is taken first, so concurrent openings count one by one.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": STORM_LOCK_KEY})
    since = now - timedelta(seconds=STORM_WINDOW_SECONDS)
    count, first_id = session.execute(
        select(func.count(Escalation.id), func.min(Escalation.id)).where(Escalation.created_at > since)).one()
    return int(count or 0), int(first_id or 0)


def _alert_storm(session: Session, escalation: Escalation, supervisor: Advocate | None, recent: int,
                 first_id: int, config: HotlineConfig, now: datetime) -> None:
    """One alert to the supervisor per storm: none while the last one is younger than the quiet period."""
    quiet_since = now - timedelta(seconds=STORM_ALERT_QUIET_SECONDS)
    current = session.scalar(select(PageStorm).where(PageStorm.started_at > quiet_since)
                             .order_by(PageStorm.started_at.desc(), PageStorm.id.desc()).limit(1))
    if current is not None:
        current.held += 1
        current.last_held_escalation_id = escalation.id
        session.flush()
        return
    storm = PageStorm(started_at=now, first_held_escalation_id=escalation.id,
                      last_held_escalation_id=escalation.id, held=1)
    session.add(storm)
    session.flush()
    log.error("PAGE STORM: %s new escalations in %s s; pages held from ESC-%s on", recent,
              STORM_WINDOW_SECONDS, escalation.id)
    if supervisor is None:
        log.error("PAGE STORM and NO SUPERVISOR to alert; run `harbor oncall who`")
        return
    key = f"{STORM_KEY_PREFIX}{storm.id}"
    page = Page(escalation_id=escalation.id, advocate_id=supervisor.id, to_number=supervisor.phone,
                body=storm_alert_body(recent, STORM_WINDOW_SECONDS, first_id, escalation.id,
                                      config.console_url, reference=key),
                idempotency_key=key, status=PENDING, next_attempt_at=now, created_at=now)
    session.add(page)
    session.flush()
    storm.alert_page_id = page.id
    session.flush()


def _escalation_pages(escalation_id: int):  # type: ignore[no-untyped-def]
    """Pages that are about this one escalation (a storm alert is about many)."""
    return (Page.escalation_id == escalation_id) & ~Page.idempotency_key.startswith(STORM_KEY_PREFIX,
                                                                                      autoescape=True)


def pages_held(session: Session, escalation_id: int) -> bool:
    """Whether the escalation's pages were held in a page storm (and not yet cancelled by an ACK)."""
    return session.scalar(select(Page.id).where(_escalation_pages(escalation_id), Page.status == HELD)
                          .limit(1)) is not None


def advocate_alerted(session: Session, escalation_id: int) -> bool:
    """Whether a page about this escalation is on its way to, or reached, someone (held ones are not)."""
    return session.scalar(select(Page.id).where(_escalation_pages(escalation_id), Page.status != HELD)
                          .limit(1)) is not None


def acknowledge(session: Session, reference: str, by: str, now: datetime) -> Escalation:
    """Acknowledge by escalation id (12 or ESC-12) or ACK code: the local admin CLI's way."""
    reference = reference.strip().upper().removeprefix("ESC-")
    escalation = session.scalar(select(Escalation).where(Escalation.ack_code == reference))
    if escalation is None and reference.isdigit():
        escalation = session.get(Escalation, int(reference))
    if escalation is None:
        raise EscalationError(f"no escalation with id or code {reference!r}")
    return mark_acknowledged(session, escalation, by, now)


def acknowledge_as_paged(session: Session, code: str, advocate: Advocate, now: datetime) -> Escalation | None:
    """ACK by text: the escalation whose 6-digit `code` this is, acknowledged by `advocate`.

    None when the code is malformed, belongs to no escalation, or belongs to one this advocate was
    never paged for (held pages and storm alerts do not count: they never carried the code). The
    caller must answer all three alike, so the reply does not tell whether a code exists.
    """
    if ACK_CODE.fullmatch(code) is None:
        return None
    escalation = session.scalar(select(Escalation).where(Escalation.ack_code == code))
    if escalation is None:
        return None
    paged = session.scalar(select(Page.id).where(
        _escalation_pages(escalation.id), Page.advocate_id == advocate.id, Page.status != HELD).limit(1))
    if paged is None:
        return None
    return mark_acknowledged(session, escalation, advocate.name, now)


def mark_acknowledged(session: Session, escalation: Escalation, by: str, now: datetime) -> Escalation:
    """Pending and held pages about it are cancelled; an escalation that is not open is left as it is."""
    if escalation.status != OPEN:
        return escalation
    escalation.status = ACKNOWLEDGED
    escalation.acknowledged_at = now
    escalation.acknowledged_by = by
    escalation.next_action_at = None
    escalation.updated_at = now
    waited, level = max(0.0, (now - escalation.created_at).total_seconds()), label(escalation.level, LEVELS)
    on_commit(session, lambda: TIME_TO_ACK.labels(level).observe(waited))
    # A storm alert is not cancelled: it is about the whole storm, not this one escalation.
    session.execute(update(Page).where(_escalation_pages(escalation.id), Page.status.in_((PENDING, HELD)))
                    .values(status=CANCELLED), execution_options={"synchronize_session": "fetch"})
    session.flush()
    return escalation


def escalation_by_id(session: Session, escalation_id: int) -> Escalation:
    escalation = session.get(Escalation, escalation_id)
    if escalation is None:
        raise EscalationError(f"no escalation ESC-{escalation_id}")
    return escalation


def list_escalations(session: Session, status: str | None = None) -> list[Escalation]:
    query = select(Escalation).order_by(Escalation.created_at.desc(), Escalation.id.desc())
    if status:
        query = query.where(Escalation.status == status)
    return list(session.scalars(query))


def as_dict(escalation: Escalation) -> dict:
    session = object_session(escalation)
    return {
        "id": escalation.id, "conversation_id": escalation.conversation_id,
        "channel": escalation.channel, "level": escalation.level,
        "categories": [c for c in escalation.categories.split(",") if c],
        "status": escalation.status, "stage": escalation.stage,
        "created_at": escalation.created_at.isoformat() + "Z",
        "acknowledged_at": (escalation.acknowledged_at.isoformat() + "Z"
                            if escalation.acknowledged_at else None),
        "acknowledged_by": escalation.acknowledged_by,
        # In a page storm the queue is where these are found: nobody was paged for them.
        "pages_held": pages_held(session, escalation.id) if session is not None else False,
    }
