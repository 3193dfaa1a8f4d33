"""`harbor pager`: the pager worker as its own process (started by `harbor up`).

Its /health, /health/ready (the database answers and the pager's heartbeat is fresh) and /metrics
are served on HARBOR_HOST:HARBOR_PAGER_PORT (hotline/ops_http.py); if that port cannot be had, it
says so in the log and pages all the same."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from datetime import datetime, timedelta

from harbor.core.db import session_factory
from harbor.core.health import Check, database_check
from harbor.core.settings import HotlineConfig, TwilioSettings, database_url, server_settings, var_dir
from harbor.core.twilio_gateway import TwilioGateway
from hotline import ops_http
from hotline.heartbeat import pager_check
from hotline.pager import LocalOutbox, PagerWorker

log = logging.getLogger("harbor.pager")


PURGE_EVERY_SECONDS = 24 * 3600


async def purge_daily(stop: asyncio.Event) -> None:
    """Retention: once at start, then daily, erase conversations idle past HARBOR_RETENTION_DAYS."""
    from channels.erasure import purge_idle
    from harbor.core.settings import retention_days

    while not stop.is_set():
        try:
            days = retention_days()
            purged = await asyncio.to_thread(purge_idle, datetime.utcnow(), timedelta(days=days))
            log.info("retention purge: %s conversations idle over %g days erased", purged.conversations, days)
        except Exception:  # a failed purge is retried tomorrow; paging must go on
            log.exception("retention purge failed")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=PURGE_EVERY_SECONDS)


def readiness_checks() -> list[Check]:
    return [database_check(database_url()), pager_check()]


async def run_pager(once: bool = False, port: int | None = None) -> int:
    settings = TwilioSettings.from_env()
    config = HotlineConfig.from_env()
    if settings.configured:
        sender = TwilioGateway(settings)
        where = f" at {settings.api_base_url}" if settings.api_base_url else ""
        log.info("pager sends through Twilio%s", where)
    else:
        sender = LocalOutbox(var_dir() / "outbox" / "pages.jsonl")
        log.warning("no Twilio credentials: pages go to the local outbox %s", sender.path)
    worker = PagerWorker(session_factory(), sender, config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    purger = None if once else asyncio.create_task(purge_daily(stop))
    here = server_settings(pager_port=port)
    ops = None if once else await ops_http.serve(here.host, here.pager_port, readiness_checks)
    try:
        if once:
            await worker.run_once()
        else:
            await worker.run_forever(stop)
    finally:
        if purger is not None:
            purger.cancel()
        if ops is not None:
            await ops.cleanup()
        if isinstance(sender, TwilioGateway):
            await sender.close()
    log.info("pager stopped: %s sent, %s failed", worker.sent, worker.failed)
    return 0


def main(once: bool = False, port: int | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return asyncio.run(run_pager(once, port))
