"""The Rasa server's /health, /health/ready and /metrics (channels/ops.py), with the real SMS channel on
the same app: a signed Twilio webhook goes in, the reply goes out to the fake Twilio, and /metrics
shows both, without the number or the text."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from twilio.request_validator import RequestValidator

from channels import ops
from channels.sms import SmsInput
from tests.fakes.twilio_api import STATE, make_app
from tests.sanic_serving import serving
from tests.scraping import local_sample, sample

DEAD_DATABASE = "postgresql://harbor@127.0.0.1:1/harbor"  # nothing listens on port 1: refused at once
YOUTH = "+15105550142"
REPLY = "Hi, I am here. What do you need tonight?"


class Agent:
    """What the ops routes and the channels ask of Rasa's agent: whether a model is loaded, and the tracker."""

    def __init__(self, ready: bool = True) -> None:
        self.ready = ready
        self.tracker_store = SimpleNamespace(retrieve=self._nothing)

    def is_ready(self) -> bool:
        return self.ready

    async def _nothing(self, _conversation_id: str) -> None:
        return None


async def bot(message: UserMessage) -> None:
    """Stands in for Rasa: answers every message through the channel's own output."""
    await message.output_channel.send_text_message(message.sender_id, REPLY)


@pytest.fixture
async def fake_twilio(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TestServer]:
    server = TestServer(make_app())
    await server.start_server()
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "ACfake")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "fake-token")
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+14155550000")
    monkeypatch.setenv("TWILIO_API_BASE_URL", str(server.make_url("")).rstrip("/"))
    monkeypatch.delenv("HARBOR_PUBLIC_URL", raising=False)  # signatures are checked against the request URL
    yield server
    await server.close()


def rasa_like_app(agent: Agent, with_sms: bool = False) -> Sanic:
    app = Sanic(f"ops-{uuid.uuid4().hex[:8]}")
    app.ctx.agent = agent
    if with_sms:
        app.blueprint(SmsInput().blueprint(bot), url_prefix="/webhooks/sms")
    ops.add_routes(app)
    return app


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as client, client.get(url) as answer:
        return answer.status, await answer.text()


async def post_sms(base: str, form: dict[str, str]) -> int:
    url = f"{base}/webhooks/sms/webhook"
    signature = RequestValidator("fake-token").compute_signature(url, form)
    async with aiohttp.ClientSession() as client, client.post(
            url, data=form, headers={"X-Twilio-Signature": signature}) as answer:
        return answer.status


async def test_liveness_and_readiness_when_all_is_well(db_url):
    async with serving(rasa_like_app(Agent())) as base:
        assert await get(f"{base}/health") == (200, '{"status":"ok"}')
        status, body = await get(f"{base}/health/ready")
    assert status == 200 and '"status":"ready"' in body and '"not_ready":[]' in body


async def test_a_dead_database_makes_the_server_not_ready_and_says_so(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", DEAD_DATABASE)
    async with serving(rasa_like_app(Agent())) as base:
        assert (await get(f"{base}/health"))[0] == 200  # alive all the same: restarting it would not help
        status, body = await get(f"{base}/health/ready")
    assert status == 503 and '"not_ready":["database"]' in body
    assert "harbor@" not in body  # the URL (and a password in it) stays out of the answer


async def test_a_server_without_a_loaded_model_is_not_ready(db_url):
    async with serving(rasa_like_app(Agent(ready=False))) as base:
        status, body = await get(f"{base}/health/ready")
    assert status == 503 and '"not_ready":["model"]' in body and "no model loaded" in body


async def test_metrics_count_a_real_text_and_its_reply_but_never_show_the_number_or_words(db_url, fake_twilio):
    received = local_sample("harbor_messages_received_total", channel="sms")
    sent = local_sample("harbor_replies_total", channel="sms", outcome="sent")
    opt_outs = local_sample("harbor_sms_opt_outs_total")
    async with serving(rasa_like_app(Agent(), with_sms=True)) as base:
        form = {"From": YOUTH, "Body": "i need somewhere to sleep", "MessageSid": "SM" + uuid.uuid4().hex}
        assert await post_sms(base, form) == 200
        assert await post_sms(base, form) == 200  # Twilio's retry of the same MessageSid: handled once
        twilio = fake_twilio.app[STATE]
        for _ in range(200):  # the inbox worker hands it to the bot, whose reply goes to Twilio
            if twilio.messages:
                break
            await asyncio.sleep(0.05)
        assert [m["body"] for m in twilio.messages] == [REPLY]
        assert await post_sms(base, {"From": YOUTH, "Body": "STOP", "MessageSid": "SM" + uuid.uuid4().hex}) == 200
        status, page = await get(f"{base}/metrics")
    assert status == 200
    assert sample(page, "harbor_messages_received_total", channel="sms") == received + 2  # the text and STOP
    assert sample(page, "harbor_replies_total", channel="sms", outcome="sent") == sent + 1
    assert sample(page, "harbor_sms_opt_outs_total") == opt_outs + 1
    assert sample(page, "harbor_sms_inbox_depth") == 0  # handled: nothing waits
    for private in (YOUTH, YOUTH[2:], "somewhere to sleep", "sms:"):
        assert private not in page
