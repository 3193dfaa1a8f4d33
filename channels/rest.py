"""The REST channel (POST /webhooks/rest/webhook, a stable interface) behind a bearer token.

Differences from Rasa's RestInput, each closing a door:
- `Authorization: Bearer <HARBOR_REST_TOKEN>` is required (401 otherwise; compared in constant time);
- the conversation is "rest:" + the client's sender, so the REST door can only reach its own
  namespace (never an SMS or web-chat conversation), and the client cannot pick another
  input_channel for it;
- the text is cut to channels/limits.py's length before NLU, and the reply says so;
- a failure is logged without the message text.
"""

from __future__ import annotations

import hmac
import inspect
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import erase_requests
from channels.handoff import pass_on
from channels.limits import cut_message, cut_notice
from harbor.core.db import DATABASE_DOWN
from harbor.core.metrics import MESSAGES, REPLIES
from harbor.core.pseudonyms import REST_PREFIX
from harbor.core.settings import rest_token

log = logging.getLogger("harbor.rest")
MAX_SENDER_CHARS = 128


def bearer_matches(header: str | None, token: str) -> bool:
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


class TokenRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TokenRestInput:
        return cls()

    def __init__(self) -> None:
        self.token = rest_token()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        module = inspect.getmodule(self)
        webhook = Blueprint("harbor_rest", module.__name__ if module else None)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not bearer_matches(request.headers.get("Authorization"), self.token):
                return response.json({"error": "a bearer token is required (HARBOR_REST_TOKEN)"}, status=401,
                                     headers={"WWW-Authenticate": 'Bearer realm="harbor"'})
            payload = request.json if isinstance(request.json, dict) else {}
            sender, message = payload.get("sender"), payload.get("message")
            if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
                return response.json({"error": f"sender must be text of 1-{MAX_SENDER_CHARS} characters"},
                                     status=400)
            conversation_id = REST_PREFIX + sender.strip()
            MESSAGES.labels("rest").inc()
            text, was_cut = cut_message(message if isinstance(message, str) else "")
            collector = CollectingOutputChannel()
            if was_cut:
                await collector.send_text_message(conversation_id, cut_notice())
            metadata = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else None
            try:
                erase_reply = await erase_requests.intercept(conversation_id, text, "rest", request.app)
                if erase_reply is not None:
                    await collector.send_text_message(conversation_id, erase_reply)
                    return response.json(collector.messages)
                await pass_on(UserMessage(text, collector, conversation_id, input_channel=self.name(),
                                          metadata=metadata), on_new_message, request.app)
            except DATABASE_DOWN as error:
                # The message was not handled: 503 tells the sender to send it again, not that it was read.
                REPLIES.labels("rest", "failed").inc()
                log.error("database unreachable (%s): REST message answered 503", type(error).__name__)
                return response.json({"error": "database unavailable, retry later"}, status=503,
                                     headers={"Retry-After": "5"})
            except CancelledError:
                REPLIES.labels("rest", "failed").inc()
                log.error("a REST message timed out before the bot answered")
            except Exception:
                REPLIES.labels("rest", "failed").inc()
                log.exception("a REST message could not be handled")
            REPLIES.labels("rest", "sent").inc(len(collector.messages))
            return response.json(collector.messages)

        return webhook
