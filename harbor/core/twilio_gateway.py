"""The one module that talks to Twilio, with the twilio library's async (aiohttp) client.

Configured from the environment (TwilioSettings in harbor/core/settings.py); TWILIO_API_BASE_URL
(default Twilio's own) lets the same client talk to a Twilio-compatible provider or a local fake.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timezone

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from harbor.core.settings import TwilioSettings

# The twilio library logs every request at INFO, query parameters included: a recipient's number
# would land in the logs (DESIGN rule 8). Its warnings and errors still show.
for _name in ("twilio.http_client", "twilio.async_http_client"):
    logging.getLogger(_name).setLevel(logging.WARNING)

LOOKUP_LIMIT = 50  # the newest messages to one number: a lookup is about the last minutes, or a day for a page
_TWILIO_HOST = re.compile(r"^https://[a-z0-9.-]*\.twilio\.com")


class RetryableSendError(RuntimeError):
    """Network error, 429 or 5xx: worth trying again later.

    `unanswered`: the provider never answered (timeout, connection dropped), so it may have taken the
    message all the same; ask it (`find_sent`) before sending again, or the phone gets it twice."""

    def __init__(self, message: str, unanswered: bool = False) -> None:
        super().__init__(message)
        self.unanswered = unanswered


class PermanentSendError(RuntimeError):
    """The provider refused the message (bad number, bad credentials...): do not retry."""


class _BaseUrlHttpClient(AsyncTwilioHttpClient):
    """Sends every request to `base_url` instead of *.twilio.com when one is configured."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    async def request(self, method: str, url: str, *args, **kwargs):  # type: ignore[override]
        if self.base_url:
            url = _TWILIO_HOST.sub(self.base_url, url)
        # twilio 8's async client keeps the timeout it is given but never applies it, so a send waited
        # aiohttp's default five minutes; passed on here with each request.
        if kwargs.get("timeout") is None and self.timeout:
            kwargs["timeout"] = self.timeout
        return await super().request(method, url, *args, **kwargs)


class TwilioGateway:
    """Create inside a running event loop (aiohttp sessions belong to one)."""

    def __init__(self, settings: TwilioSettings, timeout: float = 10.0) -> None:
        self.settings = settings
        self.http = _BaseUrlHttpClient(settings.api_base_url, timeout)
        self.client = Client(settings.account_sid, settings.auth_token, http_client=self.http)

    async def send_sms(self, to: str, body: str) -> str:
        sender = ({"messaging_service_sid": self.settings.messaging_service_sid}
                  if self.settings.messaging_service_sid else {"from_": self.settings.from_number})
        try:
            message = await self.client.messages.create_async(to=to, body=body, **sender)
        except TwilioRestException as error:
            if error.status == 429 or error.status >= 500:
                raise RetryableSendError(f"Twilio HTTP {error.status}: {error.msg}") from error
            raise PermanentSendError(f"Twilio HTTP {error.status}: {error.msg}") from error
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            raise RetryableSendError(f"network error: {error.__class__.__name__}: {error}",
                                     unanswered=True) from error
        return message.sid

    async def find_sent(self, to: str, marker: str, since: datetime, whole: bool = False) -> str | None:
        """The sid of a message to `to` whose body holds `marker` (is `marker`, when `whole`), created since
        `since` (naive means UTC). Newest first and by creation time, not Twilio's DateSent filter: a message
        still queued has no send date yet, and it is exactly the one a timed-out send leaves behind."""
        since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
        try:
            messages = await self.client.messages.list_async(to=to, limit=LOOKUP_LIMIT)
        except (TwilioRestException, aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            raise RetryableSendError(f"could not check earlier sends: {error}") from error
        for message in messages:
            body = message.body or ""
            created = message.date_created
            if created is not None and created < since:
                continue
            if (body == marker) if whole else (marker in body):
                return message.sid
        return None

    async def close(self) -> None:
        if self.http.session is not None:
            await self.http.session.close()
