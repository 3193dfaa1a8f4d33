"""The console's /health, /health/ready and /metrics: open without a session, and honest about what is down."""

from __future__ import annotations

from datetime import datetime

from aiohttp.test_utils import TestClient

from harbor.core.db import session_scope
from hotline import heartbeat
from tests.hotline.console.conftest import CONVERSATION
from tests.scraping import local_sample, sample

DEAD_DATABASE = "postgresql://harbor@127.0.0.1:1/harbor"


async def test_ready_with_a_working_database_and_a_fresh_pager(client: TestClient):
    with session_scope() as session:
        heartbeat.beat(session, heartbeat.PAGER, datetime.utcnow(), 5.0)
    answer = await client.get("/health/ready")
    body = await answer.json()
    assert answer.status == 200 and body["status"] == "ready" and "warnings" not in body
    assert body["checks"]["pager"]["ok"] is True


async def test_a_silent_pager_is_a_warning_but_leaves_the_console_ready(client: TestClient):
    # Advocates need the queue most when pages stop: the console stays in service and says why.
    answer = await client.get("/health/ready")
    body = await answer.json()
    assert answer.status == 200 and body["warnings"] == ["pager"]
    assert body["checks"]["pager"]["ok"] is False and body["checks"]["pager"]["required"] is False


async def test_a_dead_database_makes_the_console_not_ready(client: TestClient, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", DEAD_DATABASE)
    assert (await client.get("/health")).status == 200
    answer = await client.get("/health/ready")
    body = await answer.json()
    assert answer.status == 503 and body["not_ready"] == ["database"]


async def test_metrics_need_no_session_and_count_an_advocate_claiming(client: TestClient, sign_in, console_db):
    acks = local_sample("harbor_time_to_ack_seconds_count", level="high")
    csrf = await sign_in("sam")
    claimed = await client.post(f"/escalations/{console_db['escalation_id']}/claim", data={"csrf": csrf},
                                allow_redirects=False)
    assert claimed.status == 303
    client.session.cookie_jar.clear()  # a monitoring scraper has no session
    answer = await client.get("/metrics")
    page = await answer.text()
    assert answer.status == 200 and answer.content_type == "text/plain"
    assert sample(page, "harbor_time_to_ack_seconds_count", level="high") == acks + 1
    assert CONVERSATION not in page and "sam" not in page
