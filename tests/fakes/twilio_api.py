"""A local fake of the parts of Twilio's REST API Harbor uses, for tests and benches.

Real HTTP (aiohttp) so the real twilio library talks to it unmodified, pointed here by
TWILIO_API_BASE_URL. Control endpoints under /_fake let a test script failures and read what
was sent:
  POST /_fake/fail     {"statuses": [500, 429], "delay": 0}  next sends answer these first
  POST /_fake/fail     {"status": 429, "times": 6}           the next 6 sends answer 429 (an outage)
  POST /_fake/delay    {"seconds": 5}                         hold every send this long
  POST /_fake/slow_ack {"seconds": 3, "times": 1}             take the next sends, but answer them late
                                                              (a client that timed out sent them anyway)
  POST /_fake/unreachable {"numbers": ["+1..."]}              sends to these get Twilio's 400 (21211)
  GET  /_fake/messages                                        everything accepted, in order
Run standalone: python -m tests.fakes.twilio_api --port 8099
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from aiohttp import web

API = "/2010-04-01/Accounts/{account}/Messages.json"


@dataclass
class FakeTwilioState:
    account_sid: str
    auth_token: str
    messages: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    fail_statuses: list[int] = field(default_factory=list)
    delay_seconds: float = 0.0
    slow_acks: list[float] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)


STATE: web.AppKey[FakeTwilioState] = web.AppKey("state", FakeTwilioState)


def _authorised(request: web.Request, state: FakeTwilioState) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return user == state.account_sid and password == state.auth_token


def _rfc2822(moment: datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


async def create_message(request: web.Request) -> web.Response:
    state: FakeTwilioState = request.app[STATE]
    form = await request.post()
    state.requests.append({"at": time.time(), "to": form.get("To"), "body": form.get("Body")})
    if not _authorised(request, state) or request.match_info["account"] != state.account_sid:
        return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
    if state.delay_seconds:
        await asyncio.sleep(state.delay_seconds)
    if state.fail_statuses:
        status = state.fail_statuses.pop(0)
        # Twilio's own codes: 20429 "Too Many Requests", 20500 "Internal Server Error".
        code = 20429 if status == 429 else 20500
        return web.json_response({"code": code, "message": f"fake failure {status}", "status": status},
                                 status=status)
    if form.get("To") in state.unreachable:
        return web.json_response({"code": 21211, "message": "The 'To' number is not a valid phone number.",
                                  "status": 400}, status=400)
    sender = form.get("From") or form.get("MessagingServiceSid")
    if not form.get("To") or not form.get("Body") or not sender:
        return web.json_response({"code": 21604, "message": "To, Body and From are required",
                                  "status": 400}, status=400)
    now = datetime.now(timezone.utc)
    message = {
        "sid": "SM" + uuid.uuid4().hex, "account_sid": state.account_sid, "to": form["To"],
        "from": form.get("From"), "messaging_service_sid": form.get("MessagingServiceSid"),
        "body": form["Body"], "status": "queued", "direction": "outbound-api", "num_segments": "1",
        "date_created": _rfc2822(now), "date_updated": _rfc2822(now), "date_sent": _rfc2822(now),
        "api_version": "2010-04-01", "uri": f"/2010-04-01/Accounts/{state.account_sid}/Messages.json",
        "received_at": time.time(), "sent_at": time.time(),
    }
    state.messages.append(message)
    if state.slow_acks:
        # As Twilio under load: taken and queued, not sent yet (no send date), and the answer comes late.
        message.update(date_sent=None, sent_at=None)
        await asyncio.sleep(state.slow_acks.pop(0))
    return web.json_response(message, status=201)


async def list_messages(request: web.Request) -> web.Response:
    state: FakeTwilioState = request.app[STATE]
    if not _authorised(request, state):
        return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
    to = request.query.get("To")
    # As Twilio: "DateSent>" keeps messages sent at or after that second (ISO 8601, UTC); a queued one has no
    # send date yet, so the filter leaves it out.
    after = request.query.get("DateSent>")
    since = datetime.strptime(after, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp() if after else None
    found = [m for m in state.messages if (to is None or m["to"] == to)
             and (since is None or (m["sent_at"] is not None and int(m["sent_at"]) >= since))]
    uri = request.path
    return web.json_response({"messages": list(reversed(found)), "end": max(0, len(found) - 1),
                              "first_page_uri": uri, "next_page_uri": None, "page": 0, "page_size": 50,
                              "previous_page_uri": None, "start": 0, "uri": uri})


async def control_fail(request: web.Request) -> web.Response:
    body = await request.json()
    state = request.app[STATE]
    state.fail_statuses.extend(int(s) for s in body.get("statuses", []))
    if "status" in body:
        state.fail_statuses.extend([int(body["status"])] * int(body.get("times", 1)))
    return web.json_response({"ok": True, "failing_next": len(state.fail_statuses)})


async def control_unreachable(request: web.Request) -> web.Response:
    request.app[STATE].unreachable.update((await request.json()).get("numbers", []))
    return web.json_response({"ok": True})


async def control_delay(request: web.Request) -> web.Response:
    request.app[STATE].delay_seconds = float((await request.json()).get("seconds", 0))
    return web.json_response({"ok": True})


async def control_slow_ack(request: web.Request) -> web.Response:
    body = await request.json()
    request.app[STATE].slow_acks.extend([float(body.get("seconds", 3))] * int(body.get("times", 1)))
    return web.json_response({"ok": True})


async def control_messages(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return web.json_response({"messages": state.messages, "requests": state.requests})


def make_app(account_sid: str = "ACfake", auth_token: str = "fake-token") -> web.Application:
    app = web.Application()
    app[STATE] = FakeTwilioState(account_sid, auth_token)
    app.router.add_post(API, create_message)
    app.router.add_get(API, list_messages)
    app.router.add_post("/_fake/fail", control_fail)
    app.router.add_post("/_fake/delay", control_delay)
    app.router.add_post("/_fake/slow_ack", control_slow_ack)
    app.router.add_post("/_fake/unreachable", control_unreachable)
    app.router.add_get("/_fake/messages", control_messages)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Local fake of Twilio's Messages API")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--account-sid", default="ACfake")
    parser.add_argument("--auth-token", default="fake-token")
    args = parser.parse_args()
    web.run_app(make_app(args.account_sid, args.auth_token), host="127.0.0.1", port=args.port,
                print=lambda *_: print(f"fake twilio on http://127.0.0.1:{args.port}", flush=True))


if __name__ == "__main__":
    main()
