"""The web chat page at /chat: static, plain, accessible, no tracking and no third-party requests.

Messages travel over Harbor's socket.io channel (channels/webchat_socket.py), which issues each
page its conversation and a signed session token, so an advocate's later message reaches the open
page live. After a reconnect the page asks /chat/history for the bot messages it missed, with the
token in the X-Harbor-Session header (or a POST JSON body, "token"), never in the URL: URLs end up
in logs and browser history. The token lives only in the page's memory.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.web_sessions import SessionTokens, resume
from channels.web_wording import for_web
from harbor.core.db import session_scope
from harbor.core.settings import quick_exit_url
from hotline import takeover

STATIC = Path(__file__).with_name("webchat_static")


@lru_cache(maxsize=1)
def static_files() -> dict[str, Path]:
    """The page's files by their path under webchat_static/ ("app.js", "vendor/x.js")."""
    return {file.relative_to(STATIC).as_posix(): file for file in STATIC.rglob("*") if file.is_file()}
SESSION_HEADER = "X-Harbor-Session"
log = logging.getLogger("harbor.webchat")
NO_STORE = {
    "Cache-Control": "no-store, max-age=0",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    # Only Harbor's own scripts, styles and socket ('self' covers same-origin ws/wss in CSP3): no
    # third party can see a visit, and no other site can frame the page.
    "Content-Security-Policy": "default-src 'self'; connect-src 'self'; img-src 'self'; "
                               "style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'; "
                               "frame-ancestors 'none'",
}
CONTENT_TYPES = {".js": "application/javascript", ".css": "text/css", ".html": "text/html"}


class WebChatPage(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatPage:
        return cls()

    def __init__(self, tokens: SessionTokens | None = None) -> None:
        self.tokens = tokens or SessionTokens()

    def url_prefix(self) -> str:
        return "/chat"

    def blueprint(self, on_new_message: Any) -> Blueprint:
        page = Blueprint("harbor_webchat", __name__)
        exit_url = quick_exit_url()
        html = (STATIC / "index.html").read_text(encoding="utf-8").replace(
            "<body>", f'<body data-exit-url="{_attribute(exit_url)}">', 1)

        @page.route("", methods=["GET"])
        async def index(_: Request) -> HTTPResponse:
            return response.html(html, headers=NO_STORE)

        @page.route("/static/<path:path>", methods=["GET"])
        async def static(_: Request, path: str) -> HTTPResponse:
            # Looked up among the page's own files, never built from the path: no traversal, and no
            # filesystem error (a 300-byte name) can turn a stranger's URL into a 500.
            target = static_files().get(path)
            if target is None:
                return response.text("not found", status=404)
            return response.raw(target.read_bytes(), headers=NO_STORE,
                                content_type=CONTENT_TYPES.get(target.suffix, "application/octet-stream"))

        @page.route("/history", methods=["GET", "POST"])
        async def history(request: Request) -> HTTPResponse:
            """The bot messages after index `after`, for the conversation of a valid session token."""
            if set(request.args) - {"after"}:
                # A session in the URL would sit in logs and history: refuse it, answer nothing.
                return _error(400, f"send the session token in the {SESSION_HEADER} header, not the URL")
            body = _json_object(request) if request.method == "POST" else {}
            if body is None:
                return _error(400, "the body must be a JSON object")
            token = request.headers.get(SESSION_HEADER) or body.get("token")
            try:
                after = max(0, int(body.get("after", request.args.get("after", "0"))))
            except (TypeError, ValueError):
                return _error(400, "after must be a number")
            store = request.app.ctx.agent.tracker_store
            # The full tracker: the page counted every message since it opened, across Rasa sessions.
            found = await resume(self.tokens, token, store.retrieve_full_tracker)
            if found is None:
                return _error(403, "not a valid session")
            _, tracker = found
            messages = page_messages(tracker.events if tracker is not None else [])
            return response.json({"messages": messages[after:]}, headers=NO_STORE)

        @page.route("/left", methods=["POST"])
        async def left(request: Request) -> HTTPResponse:
            """Quick exit: the page's last beacon, so an advocate reading the conversation sees that the
            youth left (only while an escalation about them is not closed)."""
            body = _json_object(request) or {}
            found = await resume(self.tokens, body.get("token"), request.app.ctx.agent.tracker_store.retrieve)
            if found is None:
                return _error(403, "not a valid session")
            try:
                await asyncio.to_thread(_note_left, found[0])
            except Exception as error:
                log.error("web chat: a Quick exit was not recorded (%s)", type(error).__name__)
            return response.empty(status=204, headers=NO_STORE)

        return page


def _note_left(conversation_id: str) -> None:
    with session_scope() as session:
        takeover.note_left_page(session, conversation_id, datetime.utcnow())


def page_messages(events: Iterable[Any]) -> list[dict[str, Any]]:
    """The bot's messages as the socket delivered them: Rasa's SocketIOOutput sends each part of a
    text split on blank lines, with buttons as quick_replies on the last part. The page counts what
    it showed the same way, so its count indexes this list. Parts without text are not shown."""
    messages: list[dict[str, Any]] = []
    for event in events:
        if getattr(event, "type_name", "") != "bot" or not getattr(event, "text", None):
            continue
        parts: list[dict[str, Any]] = [{"text": for_web(part)} for part in event.text.strip().split("\n\n")]
        data = getattr(event, "data", None) or {}
        buttons = data.get("buttons") or data.get("quick_replies")
        if buttons:
            parts[-1]["quick_replies"] = [{"content_type": "text", "title": b.get("title"), "payload": b.get("payload")}
                                          for b in buttons if isinstance(b, dict)]
        messages.extend(part for part in parts if part["text"])
    return messages


def _json_object(request: Request) -> dict[str, Any] | None:
    """The request's JSON object body ({} when empty); None when it is anything else."""
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _error(status: int, reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=status, headers=NO_STORE)


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
