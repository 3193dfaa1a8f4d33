"""The `sms` input channel: Twilio's inbound webhook at POST /webhooks/sms/webhook, and
delivery status callbacks at POST /webhooks/sms/status.

- Every request must carry a valid X-Twilio-Signature for HARBOR_PUBLIC_URL + the path,
  checked with the twilio library's RequestValidator; otherwise 403. Without
  TWILIO_AUTH_TOKEN the webhook refuses everything (it never runs unsigned).
- Conversation ids are pseudonyms ("sms:" + a keyed hash of the number, harbor/core/pseudonyms.py); the
  number is kept only encrypted and read only to send (channels/sms_store.py).
- Every text is written to the durable inbox, in the same transaction as its MessageSid, before
  Twilio gets its 200; the inbox worker (channels/sms_inbox.py) hands it to the bot in order, also
  after a crash. The same MessageSid is handled once. While the database cannot be reached the
  webhook answers 503 (nothing stored), so Twilio retries and the retry is handled then, once.
- Carrier keywords: STOP and friends record an opt-out and Harbor sends nothing more to that
  number until START; HELP/INFO answers with the program and crisis lines.
- A sender on the on-call roster is an advocate: `ACK <code>` is handled by the hotline and
  answered in the TwiML response; the bot never sees it.
- Media without text, or a location, gets a polite text reply and is recorded.
- Anyone else: Twilio gets an empty TwiML answer at once; replies go out through the Twilio REST
  API (harbor/core/twilio_gateway.py), in order, never to a number that opted out. A permanent send
  error (4xx) is logged and counted and the turn is still saved.
- DELETE (then YES) erases the conversation (channels/erase_requests.py); text over 1,600
  characters is cut before the bot reads it, and the reply says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from channels import erase_requests, sms_store
from channels.advocate_outbox import AdvocateOutboxWorker
from channels.advocate_sms import handle_if_advocate, is_advocate
from channels.handoff import pass_on
from channels.keywords import keyword
from channels.limits import REQUEST_MAX_BYTES, cut_message, cut_notice
from channels.sms_inbox import SmsInboxWorker
from channels.sms_store import InboxMessage
from channels.texts import channel_text
from harbor.core.db import DATABASE_DOWN
from harbor.core.gsm7 import to_gsm7
from harbor.core.metrics import DELIVERY_FAILURES, MESSAGES, OPT_OUTS, REPLIES
from harbor.core.pseudonyms import SMS_PREFIX, e164, scrubbed, sms_conversation_id
from harbor.core.settings import TwilioSettings, public_url
from harbor.core.twilio_gateway import PermanentSendError, RetryableSendError, TwilioGateway

log = logging.getLogger("harbor.sms")
WEBHOOK_PATH = "/webhooks/sms/webhook"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
FORM_TYPE = "application/x-www-form-urlencoded"
# Twilio's delivery statuses that mean the text never reached the phone.
UNDELIVERED_STATUSES = ("failed", "undelivered")
# DATABASE_DOWN (harbor/core/db.py): nothing was stored, so Twilio must try again rather than get a 500
# it would not retry and a message Harbor never kept.
RETRY_AFTER_SECONDS = "5"
SENT_LOOKBACK_SECONDS = 2


def twiml_message(text: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(text)}</Message></Response>'


@dataclass(frozen=True)
class SendRetry:
    """How long one reply keeps trying through 429, 5xx and network errors before it is given up loudly.

    The default waits 1, 2, 4 ... 60 s between 10 tries, about four minutes: as long as the inbox worker
    gives a failing message, and the pager a page. Four tries (7 s) lost replies in a short Twilio
    outage. The wait happens inside the turn, so the conversation's next message (held by the inbox,
    whose lease is renewed meanwhile) and the turn's next reply wait too: order is kept."""

    attempts: int = 10
    first_delay_seconds: float = 1.0
    max_delay_seconds: float = 60.0
    # After a send that got no answer, Twilio may still be creating the message: wait this long before asking.
    settle_seconds: float = 3.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after the `attempt`-th try failed."""
        return min(self.max_delay_seconds, self.first_delay_seconds * 2 ** (attempt - 1))


class TwilioRestOutput(OutputChannel):
    """Sends the bot's replies as SMS, one after the other, retrying transient failures.

    `recipient_id` is a conversation pseudonym; the number is decrypted only here, to send."""

    undelivered = 0  # replies given up on since start; logged with every loss

    def __init__(self, gateway_factory: Callable[[], Awaitable[TwilioGateway]],
                 retry: SendRetry = SendRetry()) -> None:
        self.gateway_factory = gateway_factory
        self.retry = retry

    @classmethod
    def name(cls) -> str:
        return "sms"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        if await asyncio.to_thread(sms_store.is_opted_out, recipient_id):
            REPLIES.labels("sms", "opted_out").inc()
            log.info("not sending to a conversation that texted STOP")
            return
        number = await asyncio.to_thread(sms_store.number_for, recipient_id)
        if number is None:
            REPLIES.labels("sms", "no_number").inc()
            log.warning("no number on file for an SMS conversation (erased?); reply not sent")
            return
        await self.send_to_number(number, text)

    async def send_to_number(self, number: str, text: str) -> None:
        gateway = await self.gateway_factory()
        body = to_gsm7(text)
        # Twilio's creation times are whole seconds; a little slack so a message created this second is found.
        since = datetime.now(timezone.utc) - timedelta(seconds=SENT_LOOKBACK_SECONDS)
        unanswered = False
        for attempt in range(1, self.retry.attempts + 1):
            try:
                if unanswered and await self._already_sent(gateway, number, body, since):
                    REPLIES.labels("sms", "sent").inc()
                    return
                await gateway.send_sms(number, body)
                REPLIES.labels("sms", "sent").inc()
                return
            except PermanentSendError as error:
                # The number cannot be reached (4xx): retrying will not help; the turn is still saved.
                self._lost(f"refused by the provider: {scrubbed(error)}")
                return
            except RetryableSendError as error:
                unanswered = unanswered or error.unanswered
                if attempt == self.retry.attempts:
                    self._lost(f"after {attempt} attempts: {scrubbed(error)}")
                    return
                await asyncio.sleep(max(self.retry.delay(attempt), self.retry.settle_seconds if unanswered else 0))

    @staticmethod
    async def _already_sent(gateway: TwilioGateway, number: str, body: str, since: datetime) -> bool:
        """A send that got no answer may have gone out: the provider is asked before it is sent again
        (as the pager does after a crash). Raises RetryableSendError while the provider cannot say."""
        if await gateway.find_sent(number, body, since, whole=True) is None:
            return False
        log.warning("a reply whose send got no answer had reached the provider; not sending it again")
        return True

    @staticmethod
    def _lost(reason: str) -> None:
        TwilioRestOutput.undelivered += 1
        REPLIES.labels("sms", "failed").inc()
        DELIVERY_FAILURES.labels("sms_reply").inc()
        log.error("SMS REPLY NOT DELIVERED %s (undelivered so far: %s)", reason, TwilioRestOutput.undelivered)


class SmsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SmsInput:
        return cls()

    def __init__(self) -> None:
        self.settings = TwilioSettings.from_env()
        self.public_url = public_url()
        self._gateway: TwilioGateway | None = None
        self.send_retry = SendRetry()
        self.send_timeout_seconds = 10.0
        self.texts = {name: channel_text(name) for name in ("utter_sms_help", "utter_sms_start", "utter_sms_media")}
        self.inbox: SmsInboxWorker | None = None
        self.advocate_outbox: AdvocateOutboxWorker | None = None
        if not self.settings.auth_token:
            log.error("TWILIO_AUTH_TOKEN is not set: the SMS webhook will refuse every request (403)")
        if not self.public_url:
            log.warning("HARBOR_PUBLIC_URL is not set: Twilio signatures are checked against the request URL")

    async def gateway(self) -> TwilioGateway:
        if self._gateway is None:
            self._gateway = TwilioGateway(self.settings, timeout=self.send_timeout_seconds)
        return self._gateway

    def get_output_channel(self) -> OutputChannel:
        """For messages Rasa sends later (output_channel=latest, e.g. an advocate's)."""
        return TwilioRestOutput(self.gateway, self.send_retry)

    def _signed(self, request: Request, params: dict[str, str]) -> bool:
        if not self.settings.auth_token:
            return False
        signature = request.headers.get("X-Twilio-Signature", "")
        base = self.public_url or f"{request.scheme}://{request.host}"
        url = base + request.path + (f"?{request.query_string}" if request.query_string else "")
        return bool(signature) and RequestValidator(self.settings.auth_token).validate(url, params, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("harbor_sms", __name__)

        @webhook.listener("after_server_start")
        async def start_inbox(app: Any, _loop: Any) -> None:
            # The agent is loaded before the server starts: rows left by a crash are handled now.
            async def handle(row: InboxMessage) -> None:
                await self._handle_inbox_row(row, on_new_message, app)

            self.inbox = SmsInboxWorker(handle)
            self.inbox.start()
            # What advocates write in the console, to SMS youth: the same output as the bot's replies.
            to_phone = TwilioRestOutput(self.gateway, self.send_retry).send_text_message
            self.advocate_outbox = AdvocateOutboxWorker(SMS_PREFIX, to_phone, app)
            self.advocate_outbox.start()

        @webhook.listener("before_server_stop")
        async def stop_inbox(_app: Any, _loop: Any) -> None:
            if self.inbox is not None:
                await self.inbox.stop()
            if self.advocate_outbox is not None:
                await self.advocate_outbox.stop()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "signed": bool(self.settings.auth_token)})

        @webhook.route("/status", methods=["POST"])
        async def status(request: Request) -> HTTPResponse:
            params, problem = self._authenticated_form(request)
            if problem is not None:
                return problem
            if not params.get("MessageSid") or not params.get("MessageStatus"):
                return response.text("missing MessageSid or MessageStatus", status=400)
            try:
                await asyncio.to_thread(sms_store.record_status, params["MessageSid"], params["MessageStatus"],
                                        params.get("ErrorCode"))
            except DATABASE_DOWN as error:
                return self._retry_later("status callback", error)
            if params["MessageStatus"] in UNDELIVERED_STATUSES:
                DELIVERY_FAILURES.labels("sms_status").inc()
            if params.get("ErrorCode"):
                log.warning("SMS %s: %s (error %s)", params["MessageSid"], params["MessageStatus"],
                            params["ErrorCode"])
            return response.text("", status=204)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            params, problem = self._authenticated_form(request)
            if problem is not None:
                return problem
            sender, body = params.get("From", ""), params.get("Body", "").strip()
            message_sid = params.get("MessageSid", "")
            if not sender or not message_sid:
                return response.text("missing From or MessageSid", status=400)
            try:
                twiml = await self._accept(sender, body, message_sid, params)
            except DATABASE_DOWN as error:
                return self._retry_later("message", error)
            return response.text(twiml, content_type="text/xml")

        return webhook

    @staticmethod
    def _retry_later(what: str, error: Exception) -> HTTPResponse:
        """503: Twilio retries, and the MessageSid dedupe handles the retry once. The error's class only:
        its text may carry the SQL statement or the database host."""
        log.error("database unreachable (%s): SMS %s answered 503 for Twilio to retry", type(error).__name__, what)
        return response.text("database unavailable, retry later", status=503,
                             headers={"Retry-After": RETRY_AFTER_SECONDS})

    async def _accept(self, sender: str, body: str, message_sid: str, params: dict[str, str]) -> str:
        """Store the message (durably) and return the TwiML to answer Twilio with."""
        if await asyncio.to_thread(is_advocate, sender):
            # MessageSid first: a retried wrong ACK must not count twice towards the lockout.
            if not await asyncio.to_thread(sms_store.accept, message_sid, None, "advocate"):
                return EMPTY_TWIML
            reply = await asyncio.to_thread(handle_if_advocate, sender, body)
            if reply is not None:
                return twiml_message(reply)
        number = e164(sender)
        conversation_id = sms_conversation_id(number)
        opted_out = await asyncio.to_thread(sms_store.is_opted_out, conversation_id)
        word = keyword(body)
        if word == "start" and not opted_out:
            word = None  # "yes" from someone subscribed is just "yes", for the bot
        kind = self._kind(params, body, word)
        text, was_cut = cut_message(body)
        if not await asyncio.to_thread(sms_store.accept, message_sid, conversation_id, kind, text, was_cut, number):
            return EMPTY_TWIML  # a retry: handled already
        MESSAGES.labels("sms").inc()
        if word is not None:
            return await self._keyword(conversation_id, word)
        if kind != "text":
            return self._answer("utter_sms_media")
        # An opted-out number still reaches the bot: its risk is scored and advocates are paged
        # (DESIGN rule 3); only the replies are held back (TwilioRestOutput checks).
        if self.inbox is not None:
            self.inbox.poke()
        return EMPTY_TWIML

    async def _handle_inbox_row(self, row: InboxMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                                app: Any) -> None:
        output = TwilioRestOutput(self.gateway, self.send_retry)
        conversation_id = row.conversation_id or ""
        if row.was_cut:
            await output.send_text_message(conversation_id, cut_notice())
        # The number is read before a DELETE erases it, so the confirmation can still be sent.
        number = await asyncio.to_thread(sms_store.number_for, conversation_id)
        erase_reply = await erase_requests.intercept(conversation_id, row.body or "", "sms", app)
        if erase_reply is not None:
            if number is not None and not await asyncio.to_thread(sms_store.is_opted_out, conversation_id):
                await output.send_to_number(number, erase_reply)
            return
        await pass_on(UserMessage(row.body or "", output, sender_id=conversation_id, input_channel="sms",
                                  message_id=row.message_sid), on_new_message, app)

    def _authenticated_form(self, request: Request) -> tuple[dict[str, str], HTTPResponse | None]:
        """The form's fields, or the 4xx to answer: unreadable (400/413/415) or unsigned (403)."""
        params, problem = self._read_form(request)
        if problem is None and not self._signed(request, params):
            problem = response.text("invalid or missing X-Twilio-Signature", status=403)
        return params, problem

    @staticmethod
    def _read_form(request: Request) -> tuple[dict[str, str], HTTPResponse | None]:
        if len(request.body or b"") > REQUEST_MAX_BYTES:
            return {}, response.text("request body too large", status=413)
        if (request.content_type or "").split(";")[0].strip() != FORM_TYPE:
            return {}, response.text(f"expected {FORM_TYPE}", status=415)
        try:
            text = (request.body or b"").decode("utf-8")
            # Blank values must stay: Twilio signs "Body=" of a media-only message too.
            parsed = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
        except (UnicodeDecodeError, ValueError):
            return {}, response.text("body is not valid UTF-8 form data", status=400)
        return {key: values[0] for key, values in parsed.items()}, None

    @staticmethod
    def _kind(params: dict[str, str], body: str, word: str | None) -> str:
        if word is not None:
            return "keyword"
        if body:
            return "text"
        if params.get("Latitude") and params.get("Longitude"):
            return "location"
        num_media = (params.get("NumMedia") or "0").strip()
        if num_media.isdecimal() and int(num_media) > 0:  # anything else is no media, not a 500
            return "media"
        return "text"

    async def _keyword(self, conversation_id: str, word: str) -> str:
        if word == "stop":
            await asyncio.to_thread(sms_store.set_opted_out, conversation_id, True)
            OPT_OUTS.inc()
            log.info("a conversation opted out (STOP); nothing more will be sent to it")
            return EMPTY_TWIML  # the carrier sends its own confirmation
        if word == "start":
            await asyncio.to_thread(sms_store.set_opted_out, conversation_id, False)
            return self._answer("utter_sms_start")
        return self._answer("utter_sms_help")

    def _answer(self, text_name: str) -> str:
        """A reply that goes back in the TwiML answer itself (Twilio sends it)."""
        REPLIES.labels("sms", "sent").inc()
        return twiml_message(self.texts[text_name])
