"""Operations routes for Harbor's aiohttp processes (the console, the pager), as channels/ops.py is for
the Rasa server:

- GET /health        liveness (200, checks nothing else);
- GET /health/ready  readiness from `checks()` (harbor/core/health.py): 503 with a JSON body naming
                     what is not ready;
- GET /metrics       this process's Prometheus metrics (harbor/core/metrics.py).

`serve` runs them as a small server of their own, for the pager, which has no other HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web

from harbor.core.health import Check, live, readiness
from harbor.core.metrics import render

log = logging.getLogger("harbor.ops")
OPS_PATHS = ("/health", "/health/ready", "/metrics")


def add_routes(app: web.Application, checks: Callable[[], list[Check]]) -> None:
    async def health(_: web.Request) -> web.Response:
        return web.json_response(live())

    async def ready(_: web.Request) -> web.Response:
        status, body = await readiness(checks())
        return web.json_response(body, status=status)

    async def metrics(_: web.Request) -> web.Response:
        body, content_type = render()
        # aiohttp wants the charset apart from the type.
        media_type, _, params = content_type.partition(";")
        charset = params.partition("charset=")[2].strip() or "utf-8"
        return web.Response(body=body, content_type=media_type.strip(), charset=charset)

    app.router.add_get("/health", health)
    app.router.add_get("/health/ready", ready)
    app.router.add_get("/metrics", metrics)


async def serve(host: str, port: int, checks: Callable[[], list[Check]]) -> web.AppRunner | None:
    """The ops routes on host:port; None (and an error in the log) when the port cannot be had, so that
    a worker whose real job needs no port, like the pager, goes on doing it."""
    app = web.Application()
    add_routes(app, checks)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        log.error("health and metrics are NOT served: cannot listen on %s:%s (%s)", host, port, error.strerror)
        await runner.cleanup()
        return None
    log.info("health and metrics at http://%s:%s/health/ready and /metrics", host, port)
    return runner
