"""The SMS inbox worker: hands the durable inbox's messages to the bot, in order per conversation.

Guarantees (with channels/sms_store.py):
- a message Twilio got a 200 for is in the database (written in the same transaction as its
  MessageSid), so a crash after that loses nothing: rows not finished when a worker starts (pending,
  or claimed by a worker whose lease ran out) are handled then;
- within one conversation, messages are handled one at a time in arrival order; different
  conversations are handled concurrently;
- a row is claimed with a conditional UPDATE and a lease that is renewed while it is handled, so
  two workers (replicas) never handle one row at once;
- a handler that fails is retried (backoff up to a minute) up to MAX_ATTEMPTS, then the row is
  marked failed and logged loudly, its text kept for an operator to replay; it never blocks the
  conversation's later messages for good.
A worker killed between its claim and its finish hands the message to the next worker once the
lease runs out: at least once, and the reply goes out once unless the crash fell after the send.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.exc import OperationalError

from channels import sms_store
from channels.sms_store import DONE, FAILED, InboxMessage

log = logging.getLogger("harbor.sms.inbox")

LEASE = timedelta(seconds=60)
RENEW_EVERY_SECONDS = 20.0
POLL_SECONDS = 1.0
MAX_ATTEMPTS = 8  # backoff 2, 4 ... 60 s: about four minutes before a message is given up
MAX_BACKOFF_SECONDS = 60

Handler = Callable[[InboxMessage], Awaitable[None]]


class SmsInboxWorker:
    def __init__(self, handle: Handler, clock: Callable[[], datetime] = datetime.utcnow,
                 poll_seconds: float = POLL_SECONDS) -> None:
        self.handle = handle
        self.clock = clock
        self.poll_seconds = poll_seconds
        self._active: dict[str, asyncio.Task] = {}
        self._wake = asyncio.Event()
        self._runner: asyncio.Task | None = None
        self.handled = 0
        self.failed = 0
        self.attempts = 0

    def start(self) -> None:
        if self._runner is None:
            self._runner = asyncio.create_task(self._run())

    def poke(self) -> None:
        """A new row was committed: look now rather than at the next poll."""
        self._wake.set()

    async def stop(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
            self._runner = None
        for task in list(self._active.values()):
            task.cancel()

    async def drain(self) -> None:
        """Handle everything that can be handled now, then return (for tests). Rows waiting for a
        retry or for another worker's lease stay for a later pass."""
        while True:
            before = (self.handled, self.failed, self.attempts)
            await self._dispatch()
            await asyncio.gather(*self._active.values(), return_exceptions=True)
            if (self.handled, self.failed, self.attempts) == before:
                return

    async def _run(self) -> None:
        log.info("SMS inbox worker started")
        down_since_logged = False
        while True:
            # Cleared before the pass, not after: a poke that lands while the pass reads the database
            # must wake the next pass, not be wiped and left for the poll.
            self._wake.clear()
            try:
                await self._dispatch()
                down_since_logged = False
            except OperationalError as error:
                # The database is down: one line when it starts, not a traceback every poll.
                if not down_since_logged:
                    log.error("SMS inbox cannot reach the database (%s); retrying every %s s",
                              type(error).__name__, self.poll_seconds)
                down_since_logged = True
            except Exception:  # a bad pass must not end the inbox; the next pass retries
                log.exception("SMS inbox pass failed; retrying")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)

    async def _dispatch(self) -> None:
        waiting = await asyncio.to_thread(sms_store.conversations_waiting, self.clock())
        for conversation_id in waiting:
            if conversation_id not in self._active:
                task = asyncio.create_task(self._drain_conversation(conversation_id))
                self._active[conversation_id] = task
                task.add_done_callback(lambda _t, c=conversation_id: self._active.pop(c, None))

    async def _drain_conversation(self, conversation_id: str) -> None:
        while True:
            row = await asyncio.to_thread(sms_store.claim_next, conversation_id, self.clock(), LEASE)
            if row is None:
                return
            await self._handle_one(row)

    async def _handle_one(self, row: InboxMessage) -> None:
        self.attempts += 1
        renewer = asyncio.create_task(self._renew(row.id))
        failure: Exception | None = None
        try:
            await self.handle(row)
        except Exception as error:
            failure = error
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer  # a renewal in flight must not overwrite the retry time set below
        if failure is not None:
            if row.attempts >= MAX_ATTEMPTS:
                self.failed += 1
                log.error("SMS MESSAGE NOT HANDLED: inbox row %s failed %s times (failed so far: %s)",
                          row.id, row.attempts, self.failed, exc_info=failure)
                await asyncio.to_thread(sms_store.finish, row.id, FAILED, self.clock())
            else:
                delay = timedelta(seconds=min(MAX_BACKOFF_SECONDS, 2 ** row.attempts))
                log.warning("inbox row %s failed (attempt %s); retrying in %.0f s", row.id, row.attempts,
                            delay.total_seconds(), exc_info=failure)
                await asyncio.to_thread(sms_store.release, row.id, self.clock() + delay)
            return
        self.handled += 1
        await asyncio.to_thread(sms_store.finish, row.id, DONE, self.clock())

    async def _renew(self, row_id: int) -> None:
        while True:
            await asyncio.sleep(RENEW_EVERY_SECONDS)
            await asyncio.to_thread(sms_store.extend_lease, row_id, self.clock() + LEASE)
