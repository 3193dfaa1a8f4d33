"""The REST channel when the database cannot be reached: 503 with Retry-After (send it again), never a
200 that looks like the message was read; and it answers again by itself once the database is back."""

from __future__ import annotations

import logging
import uuid

import aiohttp
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from sqlalchemy import text

from channels.rest import TokenRestInput
from harbor.core.db import session_scope
from tests.channels.sms_support import RecordingBot
from tests.sanic_serving import serving

TOKEN = "the-right-token"


class TrackerReadingBot(RecordingBot):
    """Like Rasa with its SQL tracker store: reads the database before it can answer."""

    async def __call__(self, message: UserMessage) -> None:
        with session_scope() as session:
            session.execute(text("SELECT 1"))
        await super().__call__(message)


async def _post(base: str, text: str) -> tuple[int, dict[str, str], object]:
    async with aiohttp.ClientSession() as client, client.post(
            f"{base}/webhooks/rest/webhook", json={"sender": "youth-1", "message": text},
            headers={"Authorization": f"Bearer {TOKEN}"}) as answer:
        return answer.status, dict(answer.headers), await answer.json()


async def test_a_message_sent_while_the_database_is_down_gets_503_then_is_answered(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("HARBOR_REST_TOKEN", TOKEN)
    monkeypatch.setenv("HARBOR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/test")  # nothing listens there
    bot = TrackerReadingBot()
    app = Sanic(f"rest-{uuid.uuid4().hex[:8]}")
    app.ctx.agent = Agent()
    app.blueprint(TokenRestInput().blueprint(bot), url_prefix="/webhooks/rest")
    caplog.set_level(logging.INFO)
    async with serving(app) as base:
        status, headers, body = await _post(base, "i need a bed tonight")
        assert status == 503 and headers.get("Retry-After") == "5"
        assert bot.seen == []
        logged = "\n".join(record.getMessage() for record in caplog.records)
        assert "database unreachable" in logged and "i need a bed tonight" not in logged

        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'harbor.db'}")  # the database is back
        status, _, body = await _post(base, "i need a bed tonight")
        assert status == 200 and body == [{"recipient_id": body[0]["recipient_id"],
                                           "text": "i need a bed tonight reply 1"}]
        assert bot.seen == ["i need a bed tonight"]
