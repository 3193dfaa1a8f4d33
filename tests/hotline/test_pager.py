"""The pager against a local fake of Twilio's API, through the real twilio library."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from harbor.core.settings import TwilioSettings
from harbor.core.twilio_gateway import PermanentSendError, TwilioGateway
from hotline.escalations import acknowledge, open_or_update
from hotline.models import Escalation, Page
from hotline.pager import LocalOutbox, PagerWorker
from tests.fakes.twilio_api import STATE, make_app
from tests.hotline.support import (
    BACKUP_PHONE,
    PRIMARY_PHONE,
    SUPERVISOR_PHONE,
    YOUTH_NUMBER,
    Clock,
    config,
    database,
)


@pytest.fixture
async def fake_twilio():
    app = make_app("ACtest", "secret")
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield app[STATE], str(server.make_url("")).rstrip("/")
    await server.close()


@pytest.fixture
async def gateway(fake_twilio):
    _, base_url = fake_twilio
    gateway = TwilioGateway(TwilioSettings("ACtest", "secret", "+14155550000", "", base_url), timeout=5)
    yield gateway
    await gateway.close()


@pytest.fixture
def escalated(tmp_path):
    """A roster, one fresh escalation, and the clock the pager will read."""
    clock = Clock(datetime.utcnow())
    sessions = database(tmp_path, now=clock.now)
    escalation_id = _escalate(sessions, now=clock.now)
    return clock, sessions, escalation_id


def _escalate(sessions, conversation="c1", now=None, level="imminent"):
    with sessions() as session:
        opened = open_or_update(session, conversation, "sms", level, ["imminent_danger"], config(), now)
        session.commit()
        return opened.escalation_id


async def test_a_page_goes_out_through_the_real_twilio_client(escalated, fake_twilio, gateway):
    state, _ = fake_twilio
    clock, sessions, _ = escalated
    worker = PagerWorker(sessions, gateway, config(), clock)
    assert await worker.run_once() == 1
    assert [m["to"] for m in state.messages] == [PRIMARY_PHONE]
    body = state.messages[0]["body"]
    assert YOUTH_NUMBER not in body and "ESC-" in body
    with sessions() as session:
        page = session.scalars(select(Page)).one()
        assert page.status == "sent" and page.provider_sid == state.messages[0]["sid"]
    assert await worker.run_once() == 0  # nothing is sent twice


async def test_500_then_201_is_delivered_after_a_backoff(escalated, fake_twilio, gateway):
    state, _ = fake_twilio
    state.fail_statuses.extend([500, 429])
    clock, sessions, _ = escalated
    worker = PagerWorker(sessions, gateway, config(), clock)
    await worker.run_once()
    assert state.messages == []
    await worker.run_once()  # backoff not over yet
    assert len(state.requests) == 1
    clock.advance(1.5)
    await worker.run_once()  # second attempt: 429
    clock.advance(3)
    await worker.run_once()
    assert [m["to"] for m in state.messages] == [PRIMARY_PHONE]
    with sessions() as session:
        assert session.scalars(select(Page)).one().attempts == 3


async def test_a_page_twilio_took_but_answered_too_late_is_not_sent_twice(escalated, fake_twilio):
    # The send timed out on our side after Twilio had queued it: the retry asks Twilio first.
    state, base_url = fake_twilio
    state.slow_acks.append(1.5)
    gateway = TwilioGateway(TwilioSettings("ACtest", "secret", "+14155550000", "", base_url), timeout=0.5)
    clock, sessions, _ = escalated
    worker = PagerWorker(sessions, gateway, config(), clock)
    try:
        await worker.run_once()
        with sessions() as session:
            assert session.scalars(select(Page)).one().status == "pending"
        clock.advance(5)
        await worker.run_once()
    finally:
        await gateway.close()
    assert [m["to"] for m in state.messages] == [PRIMARY_PHONE]
    assert len(state.requests) == 1
    with sessions() as session:
        page = session.scalars(select(Page)).one()
        assert page.status == "sent" and page.provider_sid == state.messages[0]["sid"]


async def test_a_refused_page_fails_loudly_without_retrying(tmp_path, fake_twilio, caplog):
    _, base_url = fake_twilio
    wrong = TwilioGateway(TwilioSettings("ACtest", "wrong-token", "+14155550000", "", base_url))
    try:
        clock = Clock(datetime.utcnow())
        sessions = database(tmp_path, now=clock.now)
        _escalate(sessions, now=clock.now)
        worker = PagerWorker(sessions, wrong, config(), clock)
        await worker.run_once()
        with sessions() as session:
            page = session.scalars(select(Page)).one()
            assert page.status == "failed" and "401" in page.last_error
        assert worker.failed == 1 and "PAGE FAILED" in caplog.text
    finally:
        await wrong.close()


async def test_gives_up_after_the_bound(escalated, fake_twilio, gateway):
    state, _ = fake_twilio
    state.fail_statuses.extend([503] * 10)
    clock, sessions, _ = escalated
    worker = PagerWorker(sessions, gateway, config(max_send_attempts=3), clock)
    for _ in range(6):
        await worker.run_once()
        clock.advance(120)
    with sessions() as session:
        page = session.scalars(select(Page).order_by(Page.id)).first()
        assert page.status == "failed" and page.attempts == 3 and "gave up" in page.last_error


async def test_no_ack_pages_again_and_the_backup_then_the_supervisor(tmp_path, fake_twilio, gateway):
    state, _ = fake_twilio
    clock = Clock(datetime.utcnow())
    sessions = database(tmp_path, now=clock.now)
    _escalate(sessions, now=clock.now, level="high")  # its answer target (300 s) is past the ack timeout
    worker = PagerWorker(sessions, gateway, config(ack_timeout_seconds=180, supervisor_timeout_seconds=600), clock)
    await worker.run_once()
    clock.advance(179)
    await worker.run_once()
    assert [m["to"] for m in state.messages] == [PRIMARY_PHONE]
    clock.advance(2)
    await worker.run_once()
    assert sorted(m["to"] for m in state.messages[1:]) == sorted([PRIMARY_PHONE, BACKUP_PHONE])
    clock.advance(420)
    await worker.run_once()
    assert state.messages[-1]["to"] == SUPERVISOR_PHONE
    clock.advance(3600)
    await worker.run_once()
    assert len(state.messages) == 4


async def test_danger_now_is_paged_again_once_its_answer_target_passes(escalated, fake_twilio, gateway):
    state, _ = fake_twilio
    clock, sessions, _ = escalated  # imminent: answer target 60 s, sooner than the 180 s ack timeout
    worker = PagerWorker(sessions, gateway, config(ack_timeout_seconds=180), clock)
    await worker.run_once()
    clock.advance(59)
    await worker.run_once()
    assert [m["to"] for m in state.messages] == [PRIMARY_PHONE]
    clock.advance(2)
    await worker.run_once()
    assert sorted(m["to"] for m in state.messages[1:]) == sorted([PRIMARY_PHONE, BACKUP_PHONE])


async def test_a_level_raised_to_imminent_is_paged_again_at_once_if_its_target_has_passed(tmp_path, fake_twilio,
                                                                                       gateway):
    state, _ = fake_twilio
    clock = Clock(datetime.utcnow())
    sessions = database(tmp_path, now=clock.now)
    _escalate(sessions, conversation="rising", now=clock.now, level="high")
    worker = PagerWorker(sessions, gateway, config(ack_timeout_seconds=180), clock)
    await worker.run_once()
    clock.advance(90)
    _escalate(sessions, conversation="rising", now=clock.now, level="imminent")  # a new page to the primary
    await worker.run_once()
    assert sorted(m["to"] for m in state.messages) == sorted([PRIMARY_PHONE, PRIMARY_PHONE, PRIMARY_PHONE,
                                                              BACKUP_PHONE])


async def test_ack_stops_the_chain(escalated, fake_twilio, gateway):
    state, _ = fake_twilio
    clock, sessions, escalation_id = escalated
    worker = PagerWorker(sessions, gateway, config(), clock)
    await worker.run_once()
    with sessions() as session:
        acknowledge(session, str(escalation_id), by="Sam Primary", now=clock.now)
        session.commit()
    clock.advance(3600)
    await worker.run_once()
    assert len(state.messages) == 1


async def test_timers_survive_a_restart(escalated, fake_twilio, gateway):
    state, _ = fake_twilio
    clock, sessions, _ = escalated
    await PagerWorker(sessions, gateway, config(), clock).run_once()
    clock.advance(200)
    # A new worker (a restarted process) finds the overdue timer in the database.
    await PagerWorker(sessions, gateway, config(), clock).run_once()
    assert len(state.messages) == 3


async def test_two_workers_send_each_page_once(tmp_path, fake_twilio, gateway):
    state, _ = fake_twilio
    state.delay_seconds = 0.2
    clock = Clock(datetime.utcnow())
    sessions = database(tmp_path, now=clock.now)
    for n in range(5):
        _escalate(sessions, conversation=f"c{n}", now=clock.now)
    workers = [PagerWorker(sessions, gateway, config(), clock) for _ in range(2)]
    await asyncio.gather(*(w.run_once() for w in workers))
    assert len(state.messages) == 5
    assert sum(w.sent for w in workers) == 5


async def test_after_a_crash_mid_send_the_page_is_not_sent_twice(escalated, fake_twilio, gateway):
    state, _ = fake_twilio
    clock, sessions, _ = escalated
    with sessions() as session:
        page = session.scalars(select(Page)).one()
        # The provider accepted it, then the worker died before recording that.
        await gateway.send_sms(page.to_number, page.body)
        page.status, page.attempts = "sending", 1
        page.lease_until = clock.now - timedelta(seconds=1)
        session.commit()
    worker = PagerWorker(sessions, gateway, config(), clock)
    await worker.run_once()
    assert len(state.messages) == 1
    with sessions() as session:
        assert session.scalars(select(Page)).one().status == "sent"


async def test_without_credentials_pages_go_to_the_local_outbox(tmp_path, caplog):
    clock = Clock(datetime.utcnow())
    sessions = database(tmp_path, now=clock.now)
    _escalate(sessions, now=clock.now)
    outbox = LocalOutbox(tmp_path / "outbox" / "pages.jsonl")
    await PagerWorker(sessions, outbox, config(), clock).run_once()
    lines = (tmp_path / "outbox" / "pages.jsonl").read_text().splitlines()
    assert len(lines) == 1 and PRIMARY_PHONE in lines[0]
    # The log says a page went out and to whom, by the number's last two digits only.
    assert "local outbox" in caplog.text and "...01" in caplog.text and PRIMARY_PHONE[-7:] not in caplog.text
    with sessions() as session:
        assert session.scalars(select(Escalation)).one().status == "open"


class RefusingSender:
    """A provider that refuses every page and quotes the number back, as real ones do."""

    async def send_sms(self, to: str, body: str) -> str:
        raise PermanentSendError(f"Twilio HTTP 400: The 'To' number {to} is not a valid phone number")

    async def find_sent(self, to: str, marker: str, since: datetime) -> str | None:
        return None


async def test_a_failed_page_is_logged_loudly_without_the_advocates_number(tmp_path, caplog):
    clock = Clock(datetime.utcnow())
    sessions = database(tmp_path, now=clock.now)
    _escalate(sessions, now=clock.now)
    await PagerWorker(sessions, RefusingSender(), config(), clock).run_once()
    assert "PAGE FAILED" in caplog.text and "not a valid phone number" in caplog.text
    assert PRIMARY_PHONE[-7:] not in caplog.text
