"""What the channel-level fault tests share: a stand-in for Rasa's agent, a bot that answers through the
channel's own output, the local fake Twilio served over HTTP (the real twilio library talks to it), and
signed posts to the SMS webhook."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import SimpleNamespace

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from twilio.request_validator import RequestValidator

from channels.sms import SmsInput
from tests.fakes.twilio_api import STATE, FakeTwilioState, make_app

AUTH_TOKEN = "fake-token"


class Agent:
    """What the channels ask of Rasa's agent: a tracker store (with no trackers) and readiness."""

    def __init__(self) -> None:
        self.tracker_store = SimpleNamespace(retrieve=self._nothing, retrieve_full_tracker=self._nothing)

    def is_ready(self) -> bool:
        return True

    async def _nothing(self, _conversation_id: str) -> None:
        return None


class RecordingBot:
    """Stands in for Rasa: notes every message it is handed and answers each with `replies` texts, in order."""

    def __init__(self, replies: int = 1) -> None:
        self.replies = replies
        self.seen: list[str] = []

    async def __call__(self, message: UserMessage) -> None:
        self.seen.append(message.text or "")
        for n in range(1, self.replies + 1):
            await message.output_channel.send_text_message(message.sender_id, f"{message.text} reply {n}")


@asynccontextmanager
async def fake_twilio(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TestServer]:
    """The fake Twilio REST API on a free port, and the Twilio environment that points Harbor at it."""
    server = TestServer(make_app())
    await server.start_server()
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "ACfake")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+14155550000")
    monkeypatch.setenv("TWILIO_API_BASE_URL", str(server.make_url("")).rstrip("/"))
    monkeypatch.delenv("HARBOR_PUBLIC_URL", raising=False)  # signatures are checked against the request URL
    try:
        yield server
    finally:
        await server.close()


def twilio_state(server: TestServer) -> FakeTwilioState:
    return server.app[STATE]


def sms_app(channel: SmsInput, bot: Callable) -> Sanic:
    app = Sanic(f"sms-{uuid.uuid4().hex[:8]}")
    app.ctx.agent = Agent()
    app.blueprint(channel.blueprint(bot), url_prefix="/webhooks/sms")
    return app


def signed_headers(url: str, form: dict[str, str], token: str = AUTH_TOKEN) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, form)}


async def post_signed(base: str, form: dict[str, str], path: str = "/webhooks/sms/webhook") -> tuple[int, str]:
    url = base + path
    async with aiohttp.ClientSession() as client, client.post(url, data=form,
                                                              headers=signed_headers(url, form)) as answer:
        return answer.status, await answer.text()


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


async def wait_until(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """A bound on waiting for background work (the inbox worker, retries), not a timing assertion."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")
