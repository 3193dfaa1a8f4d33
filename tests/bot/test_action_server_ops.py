"""The action server's health, readiness and metrics are open (no personal data); everything else still
needs the token."""

from __future__ import annotations

import aiohttp

from bot.action_server import build_app
from tests.sanic_serving import serving

DEAD_DATABASE = "postgresql://harbor@127.0.0.1:1/harbor"


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as client, client.get(url) as answer:
        return answer.status, await answer.text()


async def test_readiness_and_metrics_answer_without_a_token_and_actions_still_need_one(db_url):
    async with serving(build_app("ops-test-token")) as base:
        ready = await get(f"{base}/health/ready")
        metrics = await get(f"{base}/metrics")
        actions = await get(f"{base}/actions")
    assert ready[0] == 200 and '"status":"ready"' in ready[1]
    assert metrics[0] == 200 and "harbor_escalations_opened_total" in metrics[1]
    assert actions[0] == 401


async def test_a_dead_database_makes_the_action_server_not_ready(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", DEAD_DATABASE)
    async with serving(build_app("ops-test-token")) as base:
        assert (await get(f"{base}/health"))[0] == 200
        status, body = await get(f"{base}/health/ready")
    assert status == 503 and '"not_ready":["database"]' in body
