"""Twilio answering 429 or 500 for a while: once it recovers, every page reaches its advocate once, and an
advocate reads one escalation's pages in the order they were written (so the last page they read carries
the level the escalation has now). The pager (hotline/pager.py) talks to the local fake of Twilio's REST
API through the real twilio library; the clock is injected, so backoffs pass without waiting."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from harbor.core.settings import TwilioSettings
from harbor.core.twilio_gateway import TwilioGateway
from hotline.escalations import open_or_update
from hotline.models import Page
from hotline.pager import PagerWorker
from tests.fakes.twilio_api import STATE, make_app
from tests.hotline.support import PRIMARY_PHONE, Clock, config, database


@pytest.fixture
async def twilio():
    server = TestServer(make_app("ACtest", "secret"), host="127.0.0.1")
    await server.start_server()
    base_url = str(server.make_url("")).rstrip("/")
    gateway = TwilioGateway(TwilioSettings("ACtest", "secret", "+14155550000", "", base_url), timeout=5)
    yield server, gateway
    await gateway.close()
    await server.close()


async def _refuse_next(server: TestServer, status: int, times: int) -> None:
    async with aiohttp.ClientSession() as client:
        await client.post(str(server.make_url("/_fake/fail")), json={"status": status, "times": times})


def _escalate(sessions, conversation: str, level: str, now: datetime) -> int:
    with sessions() as session:
        opened = open_or_update(session, conversation, "sms", level, ["imminent_danger"], config(), now)
        session.commit()
        return opened.escalation_id


async def _run_until_quiet(worker: PagerWorker, clock: Clock, passes: int = 40) -> None:
    """Pager passes, the clock moving 2 s between them: past every backoff of a short outage, never
    near the 60 s answer target of an imminent escalation (so no re-page joins in)."""
    for _ in range(passes):
        await worker.run_once()
        clock.advance(2)


@pytest.mark.parametrize("status", [429, 500])
async def test_every_page_goes_out_once_after_twilio_refused_a_while(status, tmp_path, twilio):
    server, gateway = twilio
    clock = Clock(datetime.utcnow())
    sessions = database(tmp_path, now=clock.now)
    escalations = [_escalate(sessions, f"c{n}", "imminent", clock.now) for n in range(3)]
    await _refuse_next(server, status, 5)
    worker = PagerWorker(sessions, gateway, config(max_send_attempts=8), clock)
    await worker.run_once()
    assert server.app[STATE].messages == []  # all three refused: each backs off, none is given up
    await _run_until_quiet(worker, clock, passes=10)
    sent = [m["body"] for m in server.app[STATE].messages]
    assert Counter(body.split(":")[0] for body in sent) == Counter(f"Harbor ESC-{e}" for e in escalations)
    assert all(m["to"] == PRIMARY_PHONE for m in server.app[STATE].messages)
    with sessions() as session:
        assert {p.status for p in session.scalars(select(Page))} == {"sent"}
    assert worker.failed == 0


async def test_a_raised_level_is_the_last_page_the_advocate_reads_after_an_outage(tmp_path, twilio):
    server, gateway = twilio
    clock = Clock(datetime.utcnow())
    sessions = database(tmp_path, now=clock.now)
    await _refuse_next(server, 429, 1)
    worker = PagerWorker(sessions, gateway, config(max_send_attempts=8), clock)
    escalation = _escalate(sessions, "rising", "high", clock.now)
    await worker.run_once()  # the HIGH page: refused, backs off 1 s
    clock.advance(0.5)
    _escalate(sessions, "rising", "imminent", clock.now)  # the youth's next message: a new page to the primary
    await worker.run_once()  # Twilio answers again, but the HIGH page is not due: the IMMINENT one must wait
    await _run_until_quiet(worker, clock, passes=8)
    sent = [m["body"] for m in server.app[STATE].messages if m["to"] == PRIMARY_PHONE]
    assert [body.split(" risk")[0] for body in sent] == [f"Harbor ESC-{escalation}: HIGH",
                                                         f"Harbor ESC-{escalation}: IMMINENT"]
