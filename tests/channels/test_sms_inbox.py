"""The inbox worker: nothing accepted is lost, each conversation in order, failures retried."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from channels import sms_store
from channels.sms_inbox import MAX_ATTEMPTS, SmsInboxWorker
from channels.sms_store import HANDLING, InboxMessage
from harbor.core.db import session_scope


def _accept(n: int, conversation: str, body: str) -> None:
    sms_store.accept(f"SM{n}", conversation, "text", body)


async def test_each_conversation_is_handled_in_arrival_order(db_url):
    for n, (conversation, body) in enumerate([("sms:a", "1"), ("sms:b", "x"), ("sms:a", "2"), ("sms:a", "3"),
                                              ("sms:b", "y")]):
        _accept(n, conversation, body)
    seen: dict[str, list[str]] = {}

    async def handle(row: InboxMessage) -> None:
        await asyncio.sleep(0.01)
        seen.setdefault(row.conversation_id, []).append(row.body)

    await SmsInboxWorker(handle).drain()
    assert seen == {"sms:a": ["1", "2", "3"], "sms:b": ["x", "y"]}


async def test_handled_messages_lose_their_text_but_keep_their_sid(db_url):
    _accept(1, "sms:a", "my secret")

    async def handle(row: InboxMessage) -> None:
        pass

    await SmsInboxWorker(handle).drain()
    with session_scope() as session:
        row = session.query(InboxMessage).one()
        assert (row.status, row.body) == ("done", None)
    assert sms_store.accept("SM1", "sms:a", "text", "my secret") is False


async def test_a_message_claimed_by_a_dead_worker_is_handled_after_its_lease(db_url):
    _accept(1, "sms:a", "hello")
    claimed = sms_store.claim_next("sms:a", datetime.utcnow(), timedelta(seconds=60))
    assert claimed is not None and claimed.status == HANDLING  # ...and then that process was killed
    handled: list[str] = []

    async def handle(row: InboxMessage) -> None:
        handled.append(row.body)

    await SmsInboxWorker(handle).drain()
    assert handled == []  # the lease still runs: a live worker may hold it
    later = SmsInboxWorker(handle, clock=lambda: datetime.utcnow() + timedelta(seconds=61))
    await later.drain()
    assert handled == ["hello"]


async def test_a_failing_message_is_retried_then_given_up_without_blocking_the_next(db_url):
    _accept(1, "sms:a", "boom")
    _accept(2, "sms:a", "fine")
    calls: list[str] = []
    clock = {"now": datetime.utcnow()}

    async def handle(row: InboxMessage) -> None:
        calls.append(row.body)
        if row.body == "boom":
            raise RuntimeError("the bot failed")

    worker = SmsInboxWorker(handle, clock=lambda: clock["now"])
    for _ in range(MAX_ATTEMPTS + 1):
        await worker.drain()
        clock["now"] += timedelta(minutes=5)
    assert calls == ["boom"] * MAX_ATTEMPTS + ["fine"]
    assert worker.failed == 1
    with session_scope() as session:
        rows = [(r.status, r.body) for r in session.query(InboxMessage).order_by(InboxMessage.id)]
    assert rows == [("failed", "boom"), ("done", None)]  # a failed text is kept for an operator to replay


async def test_the_running_worker_picks_up_a_new_message_when_poked(db_url):
    handled = asyncio.Event()

    async def handle(row: InboxMessage) -> None:
        handled.set()

    worker = SmsInboxWorker(handle, poll_seconds=3600)
    worker.start()
    try:
        await asyncio.sleep(0.05)
        _accept(1, "sms:a", "hi")
        worker.poke()
        await asyncio.wait_for(handled.wait(), timeout=10)
    finally:
        await worker.stop()


async def test_a_database_that_is_down_is_one_log_line_not_a_traceback_every_poll(monkeypatch, caplog):
    # Nothing listens on port 1: every pass fails at once with OperationalError.
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/test")

    async def handle(row: InboxMessage) -> None:
        raise AssertionError("nothing can be handled without a database")

    worker = SmsInboxWorker(handle, poll_seconds=0.05)
    with caplog.at_level("ERROR", logger="harbor.sms.inbox"):
        worker.start()
        await asyncio.sleep(0.5)
        await worker.stop()
    lines = [r for r in caplog.records if r.name == "harbor.sms.inbox"]
    assert len(lines) == 1 and "cannot reach the database" in lines[0].getMessage()
    assert lines[0].exc_info is None
