"""The Rasa server's operations routes, at the root beside Rasa's own (harbor/cli/rasa_server.py adds
them before the server starts):

- GET /health        liveness: the process answers (200, checks nothing else);
- GET /health/ready  readiness: the database answers and the model is loaded; 503 with a JSON body
                     naming what is not ready (harbor/core/health.py);
- GET /metrics       this process's Prometheus metrics (harbor/core/metrics.py), with the SMS inbox
                     depth read from the database at scrape time.

None of them needs a token and none returns personal data; they are meant for loopback and the
monitoring network only (deploy/README.md: the proxy does not route them).
"""

from __future__ import annotations

import asyncio
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import sms_store
from harbor.core.health import READY_TIMEOUT_SECONDS, Check, NotReady, database_check, live, readiness
from harbor.core.metrics import INBOX_DEPTH, render
from harbor.core.settings import database_url

OPS_PATHS = ("/health", "/health/ready", "/metrics")


def model_check(app: Sanic) -> Check:
    def run() -> None:
        agent: Any = getattr(app.ctx, "agent", None)
        if agent is None or not agent.is_ready():
            raise NotReady("no model loaded")
    return Check("model", run)


def add_routes(app: Sanic) -> None:
    async def health(_: Request) -> HTTPResponse:
        return response.json(live())

    async def ready(_: Request) -> HTTPResponse:
        status, body = await readiness([database_check(database_url()), model_check(app)])
        return response.json(body, status=status)

    async def metrics(_: Request) -> HTTPResponse:
        try:
            depth: float = await asyncio.wait_for(asyncio.to_thread(sms_store.inbox_depth), READY_TIMEOUT_SECONDS)
        except Exception:  # the database is away: say "unknown", not the last number seen
            depth = float("nan")
        INBOX_DEPTH.set(depth)
        body, content_type = render()
        return response.raw(body, content_type=content_type)

    app.add_route(health, "/health", methods=["GET"], name="harbor_health")
    app.add_route(ready, "/health/ready", methods=["GET"], name="harbor_ready")
    app.add_route(metrics, "/metrics", methods=["GET"], name="harbor_metrics")
