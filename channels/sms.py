"""The `sms` input channel: Twilio's inbound webhook at POST /webhooks/sms/webhook.

- Every request must carry a valid X-Twilio-Signature for HARBOR_PUBLIC_URL + the path,
  checked with the twilio library's RequestValidator; otherwise 403. Without
  TWILIO_AUTH_TOKEN the webhook refuses everything (it never runs unsigned).
- A sender on the on-call roster is an advocate: `ACK <code>` is handled by the hotline and
  answered in the TwiML response; the bot never sees it.
- Anyone else is a youth or caregiver: Twilio gets an empty TwiML answer at once and the
  message goes to the bot in the background; replies are sent through the Twilio REST API
  (harbor/twilio_gateway.py), in order.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any
from xml.sax.saxutils import escape

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from channels.advocate_sms import handle_if_advocate
from harbor.gsm7 import to_gsm7
from harbor.twilio_gateway import RetryableSendError, TwilioGateway, TwilioSettings

log = logging.getLogger("harbor.sms")
WEBHOOK_PATH = "/webhooks/sms/webhook"
SEND_ATTEMPTS = 4
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def twiml_message(text: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(text)}</Message></Response>'


class TwilioRestOutput(OutputChannel):
    """Sends the bot's replies as SMS, one after the other, retrying transient failures."""

    def __init__(self, gateway_factory: Callable[[], Awaitable[TwilioGateway]]) -> None:
        self.gateway_factory = gateway_factory

    @classmethod
    def name(cls) -> str:
        return "sms"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        gateway = await self.gateway_factory()
        body = to_gsm7(text)
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                await gateway.send_sms(recipient_id, body)
                return
            except RetryableSendError as error:
                if attempt == SEND_ATTEMPTS:
                    log.error("SMS REPLY NOT DELIVERED after %s attempts: %s", attempt, error)
                    return
                await asyncio.sleep(0.5 * 2 ** attempt)


class SmsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SmsInput:
        return cls()

    def __init__(self) -> None:
        self.settings = TwilioSettings.from_env()
        self.public_url = os.environ.get("HARBOR_PUBLIC_URL", "").rstrip("/")
        self._gateway: TwilioGateway | None = None
        self._tasks: set[asyncio.Task] = set()
        if not self.settings.auth_token:
            log.error("TWILIO_AUTH_TOKEN is not set: the SMS webhook will refuse every request (403)")
        if not self.public_url:
            log.warning("HARBOR_PUBLIC_URL is not set: Twilio signatures are checked against the request's own URL")

    async def gateway(self) -> TwilioGateway:
        if self._gateway is None:
            self._gateway = TwilioGateway(self.settings)
        return self._gateway

    def _signed(self, request: Request, params: dict[str, str]) -> bool:
        if not self.settings.auth_token:
            return False
        signature = request.headers.get("X-Twilio-Signature", "")
        base = self.public_url or f"{request.scheme}://{request.host}"
        url = base + request.path + (f"?{request.query_string}" if request.query_string else "")
        return bool(signature) and RequestValidator(self.settings.auth_token).validate(url, params, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("harbor_sms", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "signed": bool(self.settings.auth_token)})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                params = {key: values[0] for key, values in (request.form or {}).items()}
            except Exception:
                return response.text("unreadable form body", status=400)
            if not self._signed(request, params):
                return response.text("invalid or missing X-Twilio-Signature", status=403)
            sender, body = params.get("From", ""), params.get("Body", "")
            if not sender:
                return response.text("missing From", status=400)
            reply = await asyncio.to_thread(handle_if_advocate, sender, body)
            if reply is not None:
                return response.text(twiml_message(reply), content_type="text/xml")
            message = UserMessage(body, TwilioRestOutput(self.gateway), sender_id=sender, input_channel="sms",
                                  message_id=params.get("MessageSid"))
            task = asyncio.create_task(self._handle(on_new_message, message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return webhook

    async def _handle(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage) -> None:
        try:
            await on_new_message(message)
        except Exception:
            log.exception("SMS message %s could not be handled", message.message_id)
