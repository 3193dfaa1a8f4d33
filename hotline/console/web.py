"""The console's HTTP app (aiohttp): sign-in, the live queue (server-sent events), an escalation's
transcript (each view audited), claim and close. Database work runs in a thread, never on the loop.

    python -m harbor.cli.main console      # or `harbor up`, which starts it with everything else
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp_sse
from aiohttp import web
from aiohttp_session import get_session
from jinja2 import Environment, FileSystemLoader, select_autoescape

from harbor.core.db import session_scope
from hotline.console import accounts, audit, casework, queue, transcript
from hotline.console.accounts import ADMIN, ADVOCATE
from hotline.console.web_security import (
    LoginThrottle,
    csrf_token,
    guard,
    requires,
    security_headers,
    sessions,
    start_session,
)
from hotline.models import Escalation

HERE = Path(__file__).parent
TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
QUEUE_POLL_SECONDS = 0.25
KEEPALIVE_SECONDS = 15.0
THROTTLE = web.AppKey("throttle", LoginThrottle)
TARGETS = web.AppKey("targets", dict)


async def _db(work: Any, *args: Any) -> Any:
    """Run `work(session, *args)` in a transaction, in a worker thread."""
    def run() -> Any:
        with session_scope() as session:
            return work(session, *args)
    return await asyncio.to_thread(run)


async def _page(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    html = TEMPLATES.get_template(template).render(
        user=request.get("user"), role=request.get("role"), csrf=await csrf_token(request), **values)
    return web.Response(text=html, content_type="text/html", status=status)


async def health(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def login_form(request: web.Request) -> web.Response:
    return await _page(request, "login.html")


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    username = str(form.get("username", "")).strip().lower()
    keys = (f"user:{username}", f"addr:{request.remote}")
    throttle = request.app[THROTTLE]
    wait = throttle.retry_after(*keys)
    if wait:
        response = await _page(request, "login.html", status=429,
                               error=f"Too many tries. Wait {wait // 60 + 1} minutes and try again.")
        response.headers["Retry-After"] = str(wait)
        return response

    def check(session: Any) -> tuple[str, str] | None:
        user = accounts.authenticate(session, username, str(form.get("password", "")), str(form.get("code", "")))
        audit.record(session, username or "(blank)", "sign-in" if user else "sign-in refused")
        return (user.username, user.role) if user else None

    found = await _db(check)
    if found is None:
        throttle.failed(*keys)
        return await _page(request, "login.html", status=401,
                           error="That did not match. Check all three and try again.")
    throttle.succeeded(*keys)
    await start_session(request, *found)
    raise web.HTTPSeeOther("/")


@requires(ADVOCATE)
async def logout(request: web.Request) -> web.StreamResponse:
    await _db(lambda s: audit.record(s, request["user"], "sign-out"))
    (await get_session(request)).invalidate()
    raise web.HTTPSeeOther("/login")


def _queue_rows(request: web.Request) -> Any:
    return lambda s: [r.as_dict() for r in queue.open_queue(s, datetime.utcnow(), request.app[TARGETS])]


@requires(ADVOCATE)
async def queue_page(request: web.Request) -> web.Response:
    return await _page(request, "queue.html", rows=await _db(_queue_rows(request)))


@requires(ADVOCATE)
async def queue_json(request: web.Request) -> web.Response:
    return web.json_response({"rows": await _db(_queue_rows(request))})


@requires(ADVOCATE)
async def queue_stream(request: web.Request) -> web.StreamResponse:
    """The queue as server-sent events: a `queue` event whenever a row appears, changes or goes."""
    async with aiohttp_sse.sse_response(request) as stream:
        last, quiet = None, 0.0
        while stream.is_connected():
            rows = await _db(_queue_rows(request))
            shape = json.dumps([{k: v for k, v in r.items() if k not in ("waiting_seconds", "overdue")}
                                for r in rows])
            if shape != last or quiet >= KEEPALIVE_SECONDS:
                await stream.send(json.dumps({"rows": rows}), event="queue")
                last, quiet = shape, 0.0
            await asyncio.sleep(QUEUE_POLL_SECONDS)
            quiet += QUEUE_POLL_SECONDS
    return stream


def _escalation_id(request: web.Request) -> int:
    try:
        return int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None


@requires(ADVOCATE)
async def escalation_page(request: web.Request) -> web.Response:
    escalation_id = _escalation_id(request)

    def load(session: Any) -> dict | None:
        escalation = session.get(Escalation, escalation_id)
        if escalation is None:
            return None
        audit.record(session, request["user"], "view transcript", f"ESC-{escalation_id}")
        closure = session.get(casework.Closure, escalation_id)
        return {"escalation": escalation, "row": queue.QueueRow(
                    id=escalation.id, level=escalation.level, categories=escalation.categories.split(","),
                    channel=queue.channel_of(escalation.conversation_id), status=escalation.status,
                    held_by=escalation.acknowledged_by, waiting_seconds=0, target_seconds=0),
                "transcript": transcript.read(session, escalation.conversation_id),
                "closure": closure,
                "disposition_label": casework.DISPOSITIONS.get(closure.disposition) if closure else None}

    found = await _db(load)
    if found is None:
        raise web.HTTPNotFound()
    return await _page(request, "escalation.html", dispositions=casework.DISPOSITIONS,
                       error=request.query.get("error"), **found)


async def _act(request: web.Request, action: Any) -> web.StreamResponse:
    escalation_id = _escalation_id(request)
    try:
        await _db(action, escalation_id)
    except casework.CaseworkError as error:
        return await _page(request, "problem.html", status=409, message=str(error), escalation_id=escalation_id)
    raise web.HTTPSeeOther(f"/escalations/{escalation_id}")


@requires(ADVOCATE)
async def claim(request: web.Request) -> web.StreamResponse:
    return await _act(request, lambda s, i: casework.claim(s, i, request["user"], datetime.utcnow()))


@requires(ADVOCATE)
async def close(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    return await _act(request, lambda s, i: casework.close(
        s, i, request["user"], str(form.get("disposition", "")), str(form.get("note", "")), datetime.utcnow()))


@requires(ADMIN)
async def audit_page(request: web.Request) -> web.Response:
    entries = await _db(lambda s: [(e.at, e.actor, e.action, e.target, e.detail) for e in audit.recent(s)])
    return await _page(request, "audit.html", entries=entries)


@requires(ADMIN)
async def audit_csv(request: web.Request) -> web.Response:
    entries = await _db(lambda s: [(e.at.isoformat() + "Z", e.actor, e.action, e.target, e.detail)
                                   for e in audit.recent(s, limit=100_000)])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at", "actor", "action", "target", "detail"])
    writer.writerows(entries)
    await _db(lambda s: audit.record(s, request["user"], "export audit log"))
    return web.Response(text=out.getvalue(), content_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="harbor-audit.csv"'})


def make_app(targets: dict[str, int] | None = None, secure_cookies: bool = False) -> web.Application:
    app = web.Application(middlewares=[security_headers, sessions(secure_cookies), guard], client_max_size=64 * 1024)
    app[THROTTLE] = LoginThrottle()
    app[TARGETS] = targets or dict(queue.DEFAULT_TARGETS)
    app.router.add_get("/health", health)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/", queue_page)
    app.router.add_get("/queue.json", queue_json)
    app.router.add_get("/queue/stream", queue_stream)
    app.router.add_get("/escalations/{id}", escalation_page)
    app.router.add_post("/escalations/{id}/claim", claim)
    app.router.add_post("/escalations/{id}/close", close)
    app.router.add_get("/audit", audit_page)
    app.router.add_get("/audit.csv", audit_csv)
    app.router.add_static("/static/", HERE / "static")
    return app
