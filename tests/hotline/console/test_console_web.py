"""The console over HTTP, as an advocate, a supervisor, an admin and a stranger would use it."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from harbor.core.db import session_scope
from hotline.console.audit import AuditEntry
from hotline.console.casework import Closure
from hotline.console.web import make_app
from hotline.console.web_security import LOGIN_FAILURES_ALLOWED
from hotline.escalations import open_or_update
from hotline.models import ACKNOWLEDGED, CANCELLED, CLOSED, Escalation, Page
from tests.hotline.console.conftest import PASSWORD, csrf_of
from tests.hotline.support import config

PUBLIC = {"/login", "/health", "/health/ready", "/metrics"}
ADMIN_ONLY = {"/audit", "/audit.csv"}
SUPERVISOR_UP = {"/roster", "/figures", "/figures.csv"}


def _routes() -> list[tuple[str, str]]:
    app = make_app()
    found = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix")
        if route.method in ("GET", "POST") and not path.startswith("/static"):
            found.append((route.method, path.replace("{id}", "1")))
    return found


async def test_every_route_but_sign_in_and_health_needs_a_session(client: TestClient):
    routes = _routes()
    assert ("GET", "/") in routes and ("POST", "/escalations/1/close") in routes
    for method, path in routes:
        if path in PUBLIC:
            continue
        response = await client.request(method, path, allow_redirects=False)
        # A POST without a session has no CSRF token either: refused before anything runs.
        assert response.status in ((401,) if method == "GET" else (401, 403)), (method, path, response.status)


async def test_each_route_refuses_a_role_below_it(client: TestClient, sign_in):
    await sign_in("sam")
    for path in ADMIN_ONLY | SUPERVISOR_UP:
        assert (await client.get(path)).status == 403, path
    assert (await client.get("/")).status == 200


async def test_an_admin_signs_in_with_the_authenticator_code_and_reads_the_audit_log(client, sign_in, console_db):
    form = csrf_of(await (await client.get("/login")).text())
    refused = await client.post("/login", data={"csrf": form, "username": "ada", "password": PASSWORD, "code": ""})
    assert refused.status == 401 and "did not match" in await refused.text()
    await sign_in("ada")
    audit = await client.get("/audit")
    assert audit.status == 200
    text = await audit.text()
    assert "sign-in refused" in text and "sign-in" in text
    exported = await client.get("/audit.csv")
    assert exported.status == 200 and exported.headers["Content-Type"].startswith("text/csv")


async def test_the_session_cookie_is_http_only_strict_and_ends_after_30_idle_minutes(client, sign_in):
    form = csrf_of(await (await client.get("/login")).text())
    response = await client.post("/login", data={"csrf": form, "username": "sam", "password": PASSWORD},
                                 allow_redirects=False)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=1800" in cookie


async def test_a_form_without_its_csrf_token_is_refused(client, sign_in, console_db):
    await sign_in("sam")
    escalation = console_db["escalation_id"]
    refused = await client.post(f"/escalations/{escalation}/claim", data={}, allow_redirects=False)
    assert refused.status == 403
    forged = await client.post(f"/escalations/{escalation}/claim", data={"csrf": "guess"}, allow_redirects=False)
    assert forged.status == 403
    with session_scope() as session:
        assert session.get(Escalation, escalation).status != ACKNOWLEDGED


async def test_sign_in_attempts_are_limited(client):
    for _ in range(LOGIN_FAILURES_ALLOWED):
        form = csrf_of(await (await client.get("/login")).text())
        response = await client.post("/login", data={"csrf": form, "username": "sam", "password": "wrong guess!!"})
        assert response.status == 401
    form = csrf_of(await (await client.get("/login")).text())
    blocked = await client.post("/login", data={"csrf": form, "username": "sam", "password": PASSWORD})
    assert blocked.status == 429 and int(blocked.headers["Retry-After"]) > 0


async def test_claiming_stops_the_pages_and_closing_records_the_disposition(client, sign_in, console_db):
    escalation = console_db["escalation_id"]
    csrf = await sign_in("sam")
    claimed = await client.post(f"/escalations/{escalation}/claim", data={"csrf": csrf}, allow_redirects=False)
    assert claimed.status == 303
    with session_scope() as session:
        row = session.get(Escalation, escalation)
        assert (row.status, row.acknowledged_by) == (ACKNOWLEDGED, "sam")
        pending = session.scalars(select(Page.status).where(Page.escalation_id == escalation)).all()
        assert pending and all(status in (CANCELLED, "sent") for status in pending)
    page = await (await client.get(f"/escalations/{escalation}")).text()
    assert "held by <strong id=\"holder\">sam</strong>" in page
    closed = await client.post(f"/escalations/{escalation}/close",
                               data={"csrf": csrf, "disposition": "reported_cps", "note": "CPS hotline called"},
                               allow_redirects=False)
    assert closed.status == 303
    with session_scope() as session:
        assert session.get(Escalation, escalation).status == CLOSED
        closure = session.get(Closure, escalation)
        assert (closure.disposition, closure.closed_by) == ("reported_cps", "sam")
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.target == f"ESC-{escalation}")).all()
        assert {"claim", "view transcript", "close"} <= set(actions)
    assert escalation not in [r["id"] for r in (await (await client.get("/queue.json")).json())["rows"]]


async def test_closing_needs_a_disposition(client, sign_in, console_db):
    csrf = await sign_in("sam")
    response = await client.post(f"/escalations/{console_db['escalation_id']}/close",
                                 data={"csrf": csrf, "disposition": ""})
    assert response.status == 409 and "disposition" in await response.text()


async def test_the_queue_shows_what_triage_needs_and_never_the_conversation(client, sign_in, console_db):
    await sign_in("sam")
    rows = (await (await client.get("/queue.json")).json())["rows"]
    assert [(r["id"], r["level"], r["categories"], r["channel"]) for r in rows] == [
        (console_db["escalation_id"], "high", ["exploitation"], "web chat")]
    assert "web:" not in json.dumps(rows)


async def test_a_new_escalation_reaches_the_live_queue_without_a_reload(client, sign_in):
    await sign_in("sue")
    stream = await client.get("/queue/stream")
    assert stream.status == 200 and stream.headers["Content-Type"].startswith("text/event-stream")

    async def next_queue() -> list[dict]:
        while True:
            line = (await stream.content.readline()).decode()
            if line.startswith("data: "):
                return json.loads(line[6:])["rows"]

    first = await asyncio.wait_for(next_queue(), 10)
    assert len(first) == 1
    with session_scope() as session:
        opened = open_or_update(session, "sms:" + "d" * 64, "sms", "imminent", ["imminent_danger"], config(),
                                datetime.utcnow())
    rows = await asyncio.wait_for(next_queue(), 10)
    assert rows[0]["id"] == opened.escalation_id  # imminent first
    assert rows[0]["channel"] == "SMS"
    stream.close()


async def test_an_advocate_holds_at_most_three_urgent_conversations_a_supervisor_more(client, sign_in, console_db):
    with session_scope() as session:
        ids = [console_db["escalation_id"]] + [
            open_or_update(session, f"web:{n:032d}", "socketio", "high", ["abuse"], config(),
                           datetime.utcnow()).escalation_id for n in range(3)]
    csrf = await sign_in("sam")
    for escalation in ids[:3]:
        claimed = await client.post(f"/escalations/{escalation}/claim", data={"csrf": csrf}, allow_redirects=False)
        assert claimed.status == 303
    refused = await client.post(f"/escalations/{ids[3]}/claim", data={"csrf": csrf})
    assert refused.status == 409 and "already hold 3" in await refused.text()
    await client.post("/logout", data={"csrf": csrf})
    csrf = await sign_in("sue")
    assert (await client.post(f"/escalations/{ids[3]}/claim", data={"csrf": csrf}, allow_redirects=False)).status == 303


async def test_a_supervisor_sees_who_is_on_call_and_the_figures_without_message_text(client, sign_in, console_db):
    csrf = await sign_in("sue")
    on_call = await (await client.get("/roster")).text()
    assert "Sam Primary" in on_call and "Alex Backup" in on_call and "Dana Supervisor" in on_call
    await client.post(f"/escalations/{console_db['escalation_id']}/claim", data={"csrf": csrf})
    figures = await (await client.get("/figures.csv")).text()
    header, row = figures.strip().splitlines()
    assert header.startswith("day,level,escalations,acknowledged,median_seconds_to_acknowledge")
    assert ",high,1,1," in row and "web:" not in figures
    assert (await client.get("/audit")).status == 403
