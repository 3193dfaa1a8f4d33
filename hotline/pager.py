"""The pager worker: sends outbox rows and moves unacknowledged escalations up the chain.

Everything it needs lives in the database, so it survives restarts and several workers can
run at once:
- a page is claimed with one conditional UPDATE (pending and due, or a lease that expired, and no
  older page of its escalation to the same advocate still unsent: they arrive in the order written),
  so two workers never send the same row;
- a row found in "sending" with an expired lease means a worker died mid-send: before
  sending again, the provider is asked whether a message with the page's reference marker
  already went out (at-least-once, with dedupe);
- escalation timers are `next_action_at` columns: no ACK after the ack timeout pages the
  primary again and the backup; after the supervisor timeout, the supervisor;
- a page held in a page storm (status "held", written by hotline/escalations.py) is not claimed
  or sent while the storm lasts, and its escalation has no timer, so a storm cannot become a flood
  of re-pages; once the window is quiet, `release_held` lets held escalations out oldest first at
  no more than the storm limit per minute (counted by this worker), with their ACK timers back;
  the supervisor's one storm alert is an ordinary pending row and goes out like any page, once;
- an ACK (by text or CLI) cancels the escalation's pending and held pages in the same
  transaction, so nothing about it is sent afterwards (a page already claimed finishes);
- pages carry ids, levels and links only (hotline/pages.py, GSM-7); the worker's log names a
  page by id and a recipient by the last two digits of the number, never the full number;
- after a good pass the worker rewrites its heartbeat (hotline/heartbeat.py), so readiness checks
  anywhere can tell that pages are going out.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import aliased, sessionmaker

from harbor.core.metrics import DELIVERY_FAILURES, PAGE_LATENCY
from harbor.core.pseudonyms import mask_number, scrubbed
from harbor.core.settings import HotlineConfig
from harbor.core.twilio_gateway import PermanentSendError, RetryableSendError
from hotline import heartbeat
from hotline.escalations import enqueue_page, page_kind, release_after_storm
from hotline.models import FAILED, OPEN, PENDING, SENDING, SENT, Escalation, Page
from hotline.pages import reference_marker
from hotline.roster import who_is_on_call

log = logging.getLogger("harbor.pager")

BACKOFF_BASE_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0


class PageSender(Protocol):
    async def send_sms(self, to: str, body: str) -> str: ...

    async def find_sent(self, to: str, marker: str, since: datetime) -> str | None: ...


class LocalOutbox:
    """Without Twilio credentials: pages go to a JSON-lines file (and the log) instead."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    async def send_sms(self, to: str, body: str) -> str:
        records = self._records()
        sid = f"LOCAL{len(records) + 1:06d}"
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"sid": sid, "to": to, "body": body,
                                     "at": datetime.utcnow().isoformat() + "Z"}) + "\n")
        log.warning("local outbox (no Twilio credentials): page %s to %s: %s", sid, mask_number(to), body)
        return sid

    async def find_sent(self, to: str, marker: str, since: datetime) -> str | None:
        for record in self._records():
            if record["to"] == to and marker in record["body"]:
                return record["sid"]
        return None

    def _records(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]


# Marks a page whose last send got no answer, so the next attempt asks the provider before sending again.
UNANSWERED = "unanswered: "


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempt - 1)))


class PagerWorker:
    def __init__(self, sessions: sessionmaker, sender: PageSender, config: HotlineConfig,
                 clock: Callable[[], datetime] = datetime.utcnow) -> None:
        self.sessions = sessions
        self.sender = sender
        self.config = config
        self.clock = clock
        self.sent = 0
        self.failed = 0
        self._released: list[datetime] = []  # when held escalations were let out (rate-limited)
        self._last_beat: datetime | None = None

    async def run_once(self) -> int:
        """One pass: advance timers, release what a passed storm held, then deliver every due page."""
        self.advance_timers()
        self.release_held()
        handled = 0
        for page_id in self._due_page_ids():
            claimed = self._claim(page_id)
            if claimed is not None:
                await self._deliver(*claimed)
                handled += 1
        return handled

    async def run_forever(self, stop: asyncio.Event) -> None:
        log.info("pager started (poll every %.1f s)", self.config.poll_seconds)
        while not stop.is_set():
            try:
                await self.run_once()
                self.beat()
            except Exception:  # a bad pass must not end paging; the next pass retries
                log.exception("pager pass failed; retrying")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.config.poll_seconds)

    def beat(self) -> None:
        """The heartbeat, at most every BEAT_EVERY_SECONDS: only a pass that went through gets here."""
        now = self.clock()
        if self._last_beat is not None and (now - self._last_beat).total_seconds() < heartbeat.BEAT_EVERY_SECONDS:
            return
        interval = max(self.config.poll_seconds, heartbeat.BEAT_EVERY_SECONDS)
        with self.sessions() as session:
            heartbeat.beat(session, heartbeat.PAGER, now, interval)
        self._last_beat = now

    # --- escalation timers ---------------------------------------------------------------
    def release_held(self) -> None:
        """After a page storm, held escalations go out at no more than the storm limit per minute."""
        now = self.clock()
        self._released = [t for t in self._released if t > now - timedelta(seconds=60)]
        budget = self.config.page_storm_per_minute - len(self._released)
        with self.sessions() as session:
            released = release_after_storm(session, self.config, now, budget)
            session.commit()
        self._released.extend(now for _ in released)

    def advance_timers(self) -> None:
        now = self.clock()
        with self.sessions() as session:
            due = list(session.scalars(select(Escalation).where(
                Escalation.status == OPEN, Escalation.next_action_at.is_not(None),
                Escalation.next_action_at <= now)))
            for escalation in due:
                stage = escalation.stage
                if stage >= 2:
                    continue
                moved = session.execute(
                    update(Escalation)
                    .where(Escalation.id == escalation.id, Escalation.stage == stage,
                           Escalation.status == OPEN)
                    .values(stage=stage + 1, updated_at=now,
                            next_action_at=(escalation.created_at
                                            + timedelta(seconds=self.config.supervisor_timeout_seconds)
                                            if stage == 0 else None)))
                if moved.rowcount != 1:
                    continue  # another worker moved it
                session.refresh(escalation)
                on_call = who_is_on_call(session, now)
                if escalation.stage == 1:
                    log.warning("ESC-%s not acknowledged: paging primary again and backup", escalation.id)
                    enqueue_page(session, escalation, on_call.primary, "primary", self.config, now)
                    enqueue_page(session, escalation, on_call.backup, "backup", self.config, now)
                else:
                    log.warning("ESC-%s still not acknowledged: paging supervisor", escalation.id)
                    enqueue_page(session, escalation, on_call.supervisor, "supervisor", self.config, now)
            session.commit()

    # --- the outbox ----------------------------------------------------------------------
    def _due_page_ids(self) -> list[int]:
        now = self.clock()
        with self.sessions() as session:
            return list(session.scalars(select(Page.id).where(or_(
                (Page.status == PENDING) & (Page.next_attempt_at <= now),
                (Page.status == SENDING) & (Page.lease_until < now),
            )).order_by(Page.id)))

    def _claim(self, page_id: int) -> tuple[Page, bool] | None:
        now = self.clock()
        with self.sessions() as session:
            page = session.get(Page, page_id)
            if page is None:
                return None
            # A worker died mid-send, or the last send got no answer (it may have reached Twilio): look first.
            recovering = page.status == SENDING or (page.last_error or "").startswith(UNANSWERED)
            # One advocate reads one escalation's pages in the order they were written: a page whose
            # older sibling is backing off after a 429/5xx waits for it, so a stale HIGH never lands after
            # the IMMINENT that replaced it. Other escalations' pages are not held up.
            older = aliased(Page)
            older_unsent = exists().where(older.escalation_id == page.escalation_id, older.to_number == page.to_number,
                                          older.id < page_id, older.status.in_((PENDING, SENDING)))
            claimed = session.execute(
                update(Page)
                .where(Page.id == page_id, ~older_unsent, or_(
                    (Page.status == PENDING) & (Page.next_attempt_at <= now),
                    (Page.status == SENDING) & (Page.lease_until < now)))
                .values(status=SENDING, attempts=Page.attempts + 1,
                        lease_until=now + timedelta(seconds=self.config.lease_seconds))
                .execution_options(synchronize_session=False))  # `page` is refreshed below
            session.commit()
            if claimed.rowcount != 1:
                return None
            session.refresh(page)
            return page, recovering

    async def _deliver(self, page: Page, recovering: bool) -> None:
        marker = reference_marker(page.idempotency_key)
        try:
            sid = None
            if recovering:
                sid = await self.sender.find_sent(page.to_number, marker, page.created_at - timedelta(days=1))
                if sid:
                    log.warning("page %s had been sent before a crash (%s); not sending again", page.id, sid)
            if sid is None:
                sid = await self.sender.send_sms(page.to_number, page.body)
        except RetryableSendError as error:
            self._retry_or_fail(page, (UNANSWERED if error.unanswered or recovering else "") + scrubbed(error))
            return
        except PermanentSendError as error:
            self._finish(page, FAILED, error=scrubbed(error))
            return
        self._finish(page, SENT, sid=sid)

    def _retry_or_fail(self, page: Page, error: str) -> None:
        if page.attempts >= self.config.max_send_attempts:
            self._finish(page, FAILED, error=f"gave up after {page.attempts} attempts: {error}")
            return
        delay = backoff(page.attempts)
        log.warning("page %s attempt %s failed (%s); retrying in %.0f s", page.id, page.attempts,
                    error, delay.total_seconds())
        with self.sessions() as session:
            session.execute(update(Page).where(Page.id == page.id, Page.status == SENDING).values(
                status=PENDING, next_attempt_at=self.clock() + delay, lease_until=None, last_error=error))
            session.commit()

    def _finish(self, page: Page, status: str, sid: str | None = None, error: str | None = None) -> None:
        now = self.clock()
        with self.sessions() as session:
            session.execute(update(Page).where(Page.id == page.id).values(
                status=status, provider_sid=sid, last_error=error, lease_until=None,
                sent_at=now if status == SENT else None))
            session.commit()
        if status == SENT:
            PAGE_LATENCY.labels(page_kind(page.idempotency_key)).observe(
                max(0.0, (now - page.created_at).total_seconds()))
            self.sent += 1
            log.info("page %s for ESC-%s sent (%s)", page.id, page.escalation_id, sid)
        else:
            DELIVERY_FAILURES.labels("page").inc()
            self.failed += 1
            log.error("PAGE FAILED: page %s for ESC-%s: %s (failed so far: %s)", page.id,
                      page.escalation_id, error, self.failed)
