"""The console's HTTP app (aiohttp): sign-in, the live queue (server-sent events) and the audit log;
one escalation's page and actions are in escalation_views.py.

    python -m harbor.cli.main console      # or `harbor up`, which starts it with everything else
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import datetime
from typing import Any

import aiohttp_sse
from aiohttp import web
from aiohttp_session import get_session

from harbor.core.health import Check, database_check
from harbor.core.settings import database_url
from hotline import ops_http
from hotline.console import accounts, audit, escalation_views, queue, supervisor_views, transfers
from hotline.console.accounts import ADMIN, ADVOCATE
from hotline.console.rendering import HERE, KEEPALIVE_SECONDS, POLL_SECONDS, csv_cell, db, live, page
from hotline.console.web_security import (
    LoginThrottle,
    client_address,
    guard,
    requires,
    security_headers,
    sessions,
    start_session,
)
from hotline.heartbeat import pager_check

THROTTLE = web.AppKey("throttle", LoginThrottle)
PROXIES = web.AppKey("proxies", frozenset)
TARGETS = web.AppKey("targets", dict)


async def login_form(request: web.Request) -> web.Response:
    return await page(request, "login.html")


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    # PostgreSQL refuses NUL in a query (a 500); no username holds one, so it becomes a name nobody has.
    username = str(form.get("username", "")).strip().lower()[:80].replace("\x00", "\ufffd")
    throttle = request.app[THROTTLE]
    keys = throttle.keys(username, client_address(request, request.app[PROXIES]))
    wait = throttle.retry_after(*keys)
    if wait:
        response = await page(request, "login.html", status=429,
                               error=f"Too many tries. Wait {wait // 60 + 1} minutes and try again.")
        response.headers["Retry-After"] = str(wait)
        return response

    throttle.attempt(*keys)  # before the check: guesses sent in parallel all count

    def check(session: Any) -> tuple[str, str, str] | None:
        user = accounts.authenticate(session, username, str(form.get("password", "")), str(form.get("code", "")))
        # Only a real account's name goes in the log: a mistyped password in the name field must not.
        actor = username if accounts.exists(session, username) else "(unknown name)"
        audit.record(session, actor, "sign-in" if user else "sign-in refused")
        return (user.username, user.role, user.password_changed_at.isoformat()) if user else None

    found = await db(check)
    if found is None:
        return await page(request, "login.html", status=401,
                          error="That did not match. Check all three and try again.")
    throttle.succeeded(*keys)
    await start_session(request, *found)
    raise web.HTTPSeeOther("/")


@requires(ADVOCATE)
async def logout(request: web.Request) -> web.StreamResponse:
    await db(lambda s: audit.record(s, request["user"], "sign-out"))
    (await get_session(request)).invalidate()
    raise web.HTTPSeeOther("/login")


def _queue_rows(request: web.Request) -> Any:
    return lambda s: [r.as_dict() for r in queue.open_queue(s, datetime.utcnow(), request.app[TARGETS])]


def _offers(request: web.Request) -> Any:
    """Escalations a colleague is handing to this user, waiting for them to accept."""
    return lambda s: [{"id": o.escalation_id, "from": o.from_user, "minutes_left": o.minutes_left}
                      for o in transfers.pending_for(s, request["user"], datetime.utcnow())]


@requires(ADVOCATE)
async def queue_page(request: web.Request) -> web.Response:
    return await page(request, "queue.html", rows=await db(_queue_rows(request)), offers=await db(_offers(request)))


@requires(ADVOCATE)
async def queue_json(request: web.Request) -> web.Response:
    return web.json_response({"rows": await db(_queue_rows(request))})


@requires(ADVOCATE)
async def queue_stream(request: web.Request) -> web.StreamResponse:
    """The queue as server-sent events: a `queue` event whenever a row appears, changes or goes."""
    async with aiohttp_sse.sse_response(request) as stream:
        last, quiet = None, 0.0
        while await live(request, stream, quiet):
            rows, offers = await db(_queue_rows(request)), await db(_offers(request))
            shape = json.dumps([[{k: v for k, v in r.items() if k not in ("waiting_seconds", "overdue")}
                                 for r in rows], [o["id"] for o in offers]])
            if shape != last or quiet >= KEEPALIVE_SECONDS:
                await stream.send(json.dumps({"rows": rows, "offers": offers}), event="queue")
                last, quiet = shape, 0.0
            await asyncio.sleep(POLL_SECONDS)
            quiet += POLL_SECONDS
    return stream


@requires(ADMIN)
async def audit_page(request: web.Request) -> web.Response:
    entries = await db(lambda s: [(e.at, e.actor, e.action, e.target, e.detail) for e in audit.recent(s)])
    return await page(request, "audit.html", entries=entries)


@requires(ADMIN)
async def audit_csv(request: web.Request) -> web.Response:
    entries = await db(lambda s: [[csv_cell(v) for v in (e.at.isoformat() + "Z", e.actor, e.action, e.target,
                                                          e.detail)] for e in audit.recent(s, limit=100_000)])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at", "actor", "action", "target", "detail"])
    writer.writerows(entries)
    await db(lambda s: audit.record(s, request["user"], "export audit log"))
    return web.Response(text=out.getvalue(), content_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="harbor-audit.csv"'})


def readiness_checks() -> list[Check]:
    # The pager is reported but does not make the console unready: when pages stop, the console is
    # where advocates must still see the queue.
    return [database_check(database_url()), pager_check(required=False)]


def make_app(targets: dict[str, int] | None = None, secure_cookies: bool = False,
             urgent_cap: int = 3, proxies: frozenset[str] = frozenset()) -> web.Application:
    app = web.Application(middlewares=[security_headers, sessions(secure_cookies), guard], client_max_size=64 * 1024)
    app[THROTTLE] = LoginThrottle()
    app[PROXIES] = proxies
    app[TARGETS] = targets or dict(queue.DEFAULT_TARGETS)
    ops_http.add_routes(app, readiness_checks)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/", queue_page)
    app.router.add_get("/queue.json", queue_json)
    app.router.add_get("/queue/stream", queue_stream)
    escalation_views.add_routes(app, urgent_cap)
    supervisor_views.add_routes(app, app[TARGETS])
    app.router.add_get("/audit", audit_page)
    app.router.add_get("/audit.csv", audit_csv)
    app.router.add_static("/static/", HERE / "static")
    return app
