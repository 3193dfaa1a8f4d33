"""The pager's heartbeat and its /health/ready, as an operator's monitoring would probe them over HTTP."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import datetime, timedelta

import aiohttp

from harbor.cli.pager_worker import readiness_checks
from hotline import heartbeat, ops_http
from hotline.pager import PagerWorker
from tests.hotline.support import RecordingSender, config, database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def ready(port: int) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as client, client.get(f"http://127.0.0.1:{port}/health/ready") as answer:
        return answer.status, json.loads(await answer.text())


async def test_the_pager_is_ready_once_its_loop_has_beaten_and_not_before(db_url, tmp_path):
    sessions = database(tmp_path, url=db_url)
    port = free_port()
    runner = await ops_http.serve("127.0.0.1", port, readiness_checks)
    assert runner is not None
    try:
        status, body = await ready(port)
        assert status == 503 and body["not_ready"] == ["pager"]
        assert "no pager heartbeat" in body["checks"]["pager"]["detail"]
        stop = asyncio.Event()
        loop = asyncio.create_task(PagerWorker(sessions, RecordingSender(), config()).run_forever(stop))
        for _ in range(200):
            with sessions() as session:
                if session.get(heartbeat.Heartbeat, heartbeat.PAGER) is not None:
                    break
            await asyncio.sleep(0.05)
        stop.set()
        await loop
        status, body = await ready(port)
        assert status == 200 and body["checks"]["pager"]["ok"] is True
        stale_after = heartbeat.STALE_AFTER_BEATS * heartbeat.BEAT_EVERY_SECONDS
        assert body["checks"]["pager"]["stale_after_seconds"] == stale_after
    finally:
        await runner.cleanup()


async def test_a_stale_heartbeat_makes_the_pager_not_ready_and_says_how_old_it_is(db_url, tmp_path):
    sessions = database(tmp_path, url=db_url)
    with sessions() as session:
        heartbeat.beat(session, heartbeat.PAGER, datetime.utcnow() - timedelta(minutes=5), 5.0)
    port = free_port()
    runner = await ops_http.serve("127.0.0.1", port, readiness_checks)
    assert runner is not None
    try:
        status, body = await ready(port)
    finally:
        await runner.cleanup()
    assert status == 503 and body["not_ready"] == ["pager"]
    assert body["checks"]["pager"]["age_seconds"] >= 300 and "stale after 15 s" in body["checks"]["pager"]["detail"]
    assert body["checks"]["database"] == {"ok": True}


async def test_a_pager_whose_port_is_taken_still_starts_and_says_so(db_url, caplog):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        runner = await ops_http.serve("127.0.0.1", taken.getsockname()[1], readiness_checks)
    assert runner is None and "NOT served" in caplog.text
