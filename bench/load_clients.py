"""Simulated phones for bench/load.py: N senders, each sending a message, waiting for its reply and
sending the next, until the time is up (a closed loop: throughput is what the server sustains at N
conversations in flight, not an arrival rate it is pushed to).

Two doors:
- REST: POST {"sender", "message"} and the JSON reply list is the reply;
- SMS: a form POST signed as Twilio signs it (X-Twilio-Signature over the public URL and the
  form), answered at once with empty TwiML; the reply is the message Harbor then sends through the
  Twilio API, i.e. the fake Twilio's record of it. Its latency is the fake's `received_at` minus the
  moment of the POST (one machine, one clock), so how often the fake is polled does not change it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
from twilio.request_validator import RequestValidator

# Plain small talk both bots answer with one message: Rasa's default project (greet, goodbye,
# bot_challenge) and Harbor (greeting, thanks, goodbye). Nothing here is risky, so no page is sent.
MESSAGES = ("hi", "hello", "bye", "are you a bot?", "good morning", "hey")
REPLY_TIMEOUT_SECONDS = 30.0
POLL_SECONDS = 0.05
FAKE_ACCOUNT = "ACfake"
HARBOR_NUMBER = "+14155550000"


class TurnFailed(Exception):
    """One request that counts as an error; `fatal` stops that phone (its replies can no longer be
    told apart from a late one)."""

    def __init__(self, kind: str, fatal: bool = False) -> None:
        super().__init__(kind)
        self.kind = kind
        self.fatal = fatal


@dataclass
class Outcome:
    target: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0
    notes: dict[str, float] = field(default_factory=dict)


Send = Callable[[int, str], Awaitable[float]]  # (phone, text) -> seconds until its reply


async def closed_loop(target: str, clients: int, seconds: float, send: Send) -> Outcome:
    outcome = Outcome(target, clients)
    deadline = time.monotonic() + seconds

    async def phone(index: int) -> None:
        turn = index  # phones start at different messages, so the mix is the same at every moment
        while time.monotonic() < deadline:
            try:
                outcome.latencies.append(await send(index, MESSAGES[turn % len(MESSAGES)]))
            except TurnFailed as failure:
                outcome.errors[failure.kind] += 1
                if failure.fatal:
                    return
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
                outcome.errors[type(error).__name__] += 1
            turn += 1

    started = time.monotonic()
    await asyncio.gather(*(phone(i) for i in range(clients)))
    # The last replies finish after the deadline: divide by the time it really took.
    outcome.elapsed = time.monotonic() - started
    return outcome


def rest_sender(session: aiohttp.ClientSession, url: str, token: str | None, prefix: str) -> Send:
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def send(phone: int, text: str) -> float:
        started = time.monotonic()
        async with session.post(url, json={"sender": f"{prefix}-{phone}", "message": text}, headers=headers) as answer:
            body = await answer.json(content_type=None) if answer.status == 200 else None
            latency = time.monotonic() - started
        if answer.status != 200:
            raise TurnFailed(f"HTTP {answer.status}")
        if not isinstance(body, list) or not any(m.get("text") for m in body if isinstance(m, dict)):
            raise TurnFailed("empty reply")
        return latency

    return send


async def run_rest(target: str, url: str, token: str | None, clients: int, seconds: float,
                   warmup: int) -> Outcome:
    timeout = aiohttp.ClientTimeout(total=REPLY_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        warm = rest_sender(session, url, token, f"warmup-{uuid.uuid4().hex[:8]}")
        for n in range(warmup):
            await warm(n % 2, MESSAGES[n % len(MESSAGES)])
        timed = rest_sender(session, url, token, f"load-{uuid.uuid4().hex[:8]}")
        return await closed_loop(target, clients, seconds, timed)


def phone_number(index: int, warmup: bool = False) -> str:
    # 555-2xxx under the fake Twilio's area code: never the roster's 555-01xx nor Harbor's own number.
    return f"+1415555{(9000 if warmup else 2000) + index:04d}"


class FakeTwilioInboxes:
    """Reads what Harbor sent through the fake Twilio API and hands each text to the phone it went to.

    One poller for all phones; the fake's list only grows, so each pass reads only the new tail."""

    def __init__(self, session: aiohttp.ClientSession, fake_url: str) -> None:
        self.session = session
        self.url = f"{fake_url}/_fake/messages"
        self.queues: dict[str, asyncio.Queue[dict]] = {}
        self.seen = 0
        self.polls = 0

    def inbox(self, number: str) -> asyncio.Queue[dict]:
        return self.queues.setdefault(number, asyncio.Queue())

    async def poll_once(self) -> None:
        async with self.session.get(self.url) as answer:
            messages = (await answer.json())["messages"]
        self.polls += 1
        for message in messages[self.seen:]:
            if message["to"] in self.queues:
                self.queues[message["to"]].put_nowait(message)
        self.seen = len(messages)

    async def run(self) -> None:
        while True:
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                await self.poll_once()
            await asyncio.sleep(POLL_SECONDS)


def sms_sender(session: aiohttp.ClientSession, webhook_url: str, auth_token: str, inboxes: FakeTwilioInboxes,
               outcome_notes: Counter[str], warmup: bool = False) -> Send:
    validator = RequestValidator(auth_token)

    async def send(phone: int, text: str) -> float:
        number = phone_number(phone, warmup)
        inbox = inboxes.inbox(number)
        sid = "SM" + uuid.uuid4().hex
        # The fields Twilio posts for a plain inbound text, so the webhook parses and checks what it would.
        form = {"ToCountry": "US", "ToState": "CA", "SmsMessageSid": sid, "NumMedia": "0", "ToCity": "",
                "FromZip": "", "SmsSid": sid, "FromState": "CA", "SmsStatus": "received", "FromCity": "",
                "Body": text, "FromCountry": "US", "To": HARBOR_NUMBER, "ToZip": "", "NumSegments": "1",
                "MessageSid": sid, "AccountSid": FAKE_ACCOUNT, "From": number, "ApiVersion": "2010-04-01"}
        headers = {"X-Twilio-Signature": validator.compute_signature(webhook_url, form)}
        sent_at = time.time()
        async with session.post(webhook_url, data=form, headers=headers) as answer:
            twiml = await answer.text()
        outcome_notes["webhook_seconds"] += time.time() - sent_at
        if answer.status != 200:
            raise TurnFailed(f"webhook HTTP {answer.status}")
        if "<Message>" in twiml:
            raise TurnFailed("answered in TwiML, not by the bot")
        deadline = time.monotonic() + REPLY_TIMEOUT_SECONDS
        while True:
            try:
                reply = await asyncio.wait_for(inbox.get(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                raise TurnFailed("no reply SMS within 30 s", fatal=True) from None
            if reply["received_at"] >= sent_at:
                return reply["received_at"] - sent_at
            # Sent before this message was: a second SMS of the previous turn, not this turn's reply.
            outcome_notes["extra_sms"] += 1

    return send


async def run_sms(target: str, webhook_url: str, auth_token: str, fake_url: str, clients: int, seconds: float,
                  warmup: int) -> Outcome:
    timeout = aiohttp.ClientTimeout(total=REPLY_TIMEOUT_SECONDS)
    notes: Counter[str] = Counter()
    async with aiohttp.ClientSession(timeout=timeout) as session:
        inboxes = FakeTwilioInboxes(session, fake_url)
        await inboxes.poll_once()  # skip whatever the fake holds from before
        poller = asyncio.create_task(inboxes.run())
        try:
            warm = sms_sender(session, webhook_url, auth_token, inboxes, Counter(), warmup=True)
            for n in range(warmup):
                await warm(n % 2, MESSAGES[n % len(MESSAGES)])
            outcome = await closed_loop(target, clients, seconds,
                                        sms_sender(session, webhook_url, auth_token, inboxes, notes))
            await asyncio.sleep(1.0)  # anything more that arrives now was not a reply anyone waited for
        finally:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
    sent = len(outcome.latencies) + sum(outcome.errors.values())
    outcome.notes = {"webhook_ack_mean_ms": 1000 * notes["webhook_seconds"] / max(1, sent),
                     "extra_sms": notes["extra_sms"] + sum(inboxes.inbox(phone_number(i)).qsize()
                                                           for i in range(clients)),
                     "fake_twilio_polls": inboxes.polls}
    return outcome
