"""The database going away under the SMS webhook (PostgreSQL behind a TCP proxy the test stops and starts):
Twilio gets 503 so it retries, the log says so in one line without the number or the words, and once the
database is back the retried message is handled, and answered, exactly once."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from channels.sms import SendRetry, SmsInput
from channels.sms_store import InboxMessage
from harbor.core.db import session_scope
from tests.channels.sms_support import (
    RecordingBot,
    fake_twilio,
    new_sid,
    post_signed,
    sms_app,
    twilio_state,
    wait_until,
)
from tests.channels.tcp_proxy import TcpProxy, proxy_to
from tests.sanic_serving import serving
from tests.scratch_postgres import scratch_postgres

YOUTH = "+15105550177"
TEXT = "is there somewhere safe to sleep tonight"


@pytest.fixture
def proxied_postgres(tmp_path, monkeypatch) -> TcpProxy:
    """DATABASE_URL: a scratch PostgreSQL database, reached only through a proxy the test controls."""
    with scratch_postgres() as url:
        real = make_url(url)
        with proxy_to(real.host or "127.0.0.1", real.port or 5432) as proxy:
            proxied = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
            monkeypatch.setenv("DATABASE_URL", proxied)
            monkeypatch.setenv("HARBOR_VAR_DIR", str(tmp_path / "var"))
            monkeypatch.delenv("HARBOR_ID_SECRET", raising=False)
            yield proxy


def _rows_for(message_sid: str) -> int:
    with session_scope() as session:
        return int(session.scalar(select(func.count(InboxMessage.id)).where(InboxMessage.message_sid == message_sid)))


async def test_a_text_sent_while_the_database_is_down_gets_503_then_is_answered_once(
        proxied_postgres: TcpProxy, monkeypatch, caplog):
    caplog.set_level(logging.INFO)
    async with fake_twilio(monkeypatch) as twilio:
        channel = SmsInput()
        channel.send_retry = SendRetry(first_delay_seconds=0.01)
        bot = RecordingBot(replies=1)
        async with serving(sms_app(channel, bot)) as base:
            assert await asyncio.to_thread(_rows_for, "none") == 0  # the schema is made while the database is up
            proxied_postgres.stop()
            form = {"From": YOUTH, "Body": TEXT, "MessageSid": new_sid()}
            status, body = await post_signed(base, form)
            assert (status, body) == (503, "database unavailable, retry later")
            status_form = {"MessageSid": form["MessageSid"], "MessageStatus": "delivered"}
            assert (await post_signed(base, status_form, "/webhooks/sms/status"))[0] == 503
            told = [r.getMessage() for r in caplog.records if r.name == "harbor.sms" and "503" in r.getMessage()]
            assert told == ["database unreachable (OperationalError): SMS message answered 503 for Twilio to retry",
                            "database unreachable (OperationalError): SMS status callback answered 503 for Twilio "
                            "to retry"]
            assert bot.seen == []

            proxied_postgres.start()  # the database is back: nothing to restart in Harbor
            assert (await post_signed(base, form))[0] == 200  # Twilio's retry
            assert (await post_signed(base, form))[0] == 200  # and a second one, the first answer being lost
            state = twilio_state(twilio)
            await wait_until(lambda: bool(state.messages), "the reply to reach the fake Twilio")
            await wait_until(lambda: channel.inbox is not None and channel.inbox.handled >= 1, "the turn to finish")
            assert (await post_signed(base, status_form, "/webhooks/sms/status"))[0] == 204
            assert await asyncio.to_thread(_rows_for, form["MessageSid"]) == 1
        assert bot.seen == [TEXT]
        assert [(m["to"], m["body"]) for m in state.messages] == [(YOUTH, f"{TEXT} reply 1")]
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    for private in (YOUTH, YOUTH[2:], TEXT):
        assert private not in logged
