"""Twilio answering 429 or 500 for a while: once it recovers, the youth gets every reply of the bot, once
each and in the order the bot said them, across turns (channels/sms.py's TwilioRestOutput, through the
real twilio library to the local fake of Twilio's REST API)."""

from __future__ import annotations

import aiohttp
import pytest

from channels.sms import SendRetry, SmsInput
from tests.channels.sms_support import (
    RecordingBot,
    fake_twilio,
    new_sid,
    post_signed,
    sms_app,
    twilio_state,
    wait_until,
)
from tests.sanic_serving import serving

YOUTH = "+15105550163"
# The production policy's shape (attempts, doubling delays) with delays short enough for a test.
QUICK = SendRetry(first_delay_seconds=0.01, max_delay_seconds=0.05)
EXPECTED = [f"{turn} reply {n}" for turn in ("first message", "second message") for n in (1, 2, 3)]


async def _outage(status: int, failures: int, retry: SendRetry, db_url: str,
                  monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], int]:
    """Two texts from one youth while Twilio refuses the next `failures` sends with `status`: what reached
    the youth's phone, and how many sends Twilio was asked for."""
    async with fake_twilio(monkeypatch) as twilio:
        async with aiohttp.ClientSession() as client:
            # Through the fake's own control API, as an operator's script would.
            answer = await client.post(str(twilio.make_url("/_fake/fail")), json={"status": status, "times": failures})
            assert (await answer.json())["failing_next"] == failures
        channel = SmsInput()
        channel.send_retry = retry
        bot = RecordingBot(replies=3)
        async with serving(sms_app(channel, bot)) as base:
            for text in ("first message", "second message"):
                assert (await post_signed(base, {"From": YOUTH, "Body": text, "MessageSid": new_sid()}))[0] == 200
            state = twilio_state(twilio)
            await wait_until(lambda: channel.inbox is not None and channel.inbox.handled == 2, "both turns handled")
        return [m["body"] for m in state.messages if m["to"] == YOUTH], len(state.requests)


@pytest.mark.parametrize("status", [429, 500])
async def test_every_reply_arrives_once_and_in_order_after_twilio_refused_a_while(status, db_url, monkeypatch):
    # More refusals in a row than the four tries a reply used to get: the first reply used to be lost.
    delivered, asked = await _outage(status, 6, QUICK, db_url, monkeypatch)
    assert delivered == EXPECTED
    assert asked == len(EXPECTED) + 6  # each refusal retried once more, nothing sent twice


async def test_an_outage_longer_than_the_policy_loses_a_reply_loudly_and_keeps_the_rest_in_order(
        db_url, monkeypatch, caplog):
    delivered, _ = await _outage(429, 3, SendRetry(attempts=3, first_delay_seconds=0.01), db_url, monkeypatch)
    assert delivered == EXPECTED[1:]
    assert "SMS REPLY NOT DELIVERED after 3 attempts" in caplog.text
    assert YOUTH not in caplog.text and YOUTH[2:] not in caplog.text and "first message" not in caplog.text


def test_the_default_policy_rides_out_about_four_minutes_of_refusals():
    policy = SendRetry()
    waited = sum(policy.delay(attempt) for attempt in range(1, policy.attempts))
    assert 180 <= waited <= 300
    assert policy.delay(1) == 1.0 and policy.delay(policy.attempts) == 60.0


async def test_a_reply_twilio_took_but_answered_too_late_is_not_sent_again(db_url, monkeypatch, caplog):
    # The send timed out on Harbor's side after Twilio had taken the message: a blind retry would put
    # the same text on the youth's phone twice. Twilio is asked first, and the next reply goes out once.
    async with fake_twilio(monkeypatch) as twilio:
        async with aiohttp.ClientSession() as client:
            await client.post(str(twilio.make_url("/_fake/slow_ack")), json={"seconds": 1.5, "times": 1})
        channel = SmsInput()
        channel.send_retry = QUICK
        channel.send_timeout_seconds = 0.5
        bot = RecordingBot(replies=3)
        async with serving(sms_app(channel, bot)) as base:
            sent = await post_signed(base, {"From": YOUTH, "Body": "first message", "MessageSid": new_sid()})
            assert sent[0] == 200
            state = twilio_state(twilio)
            await wait_until(lambda: channel.inbox is not None and channel.inbox.handled == 1, "the turn handled")
        delivered = [m["body"] for m in state.messages if m["to"] == YOUTH]
    assert delivered == EXPECTED[:3]
    assert "had reached the provider; not sending it again" in caplog.text
