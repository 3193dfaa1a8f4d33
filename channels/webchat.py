"""The web chat page at /chat: static, plain, accessible, no tracking and no third-party requests.

Messages travel over Rasa's socket.io channel (credentials.yml `socketio`, session persistence
on), so an advocate's later message reaches the open page live. After a reconnect the page asks
/chat/history for the bot messages it missed; the session id is a random secret that lives only
in the page's memory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

STATIC = Path(__file__).with_name("webchat_static")
DEFAULT_EXIT_URL = "https://www.weather.gov/"
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
NO_STORE = {
    "Cache-Control": "no-store, max-age=0",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    # Only Harbor's own scripts, styles and socket: no third party can see a visit.
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self'; "
                               "style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'",
}
CONTENT_TYPES = {".js": "application/javascript", ".css": "text/css", ".html": "text/html"}


class WebChatPage(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatPage:
        return cls()

    def url_prefix(self) -> str:
        return "/chat"

    def blueprint(self, on_new_message: Any) -> Blueprint:
        page = Blueprint("harbor_webchat", __name__)
        exit_url = os.environ.get("HARBOR_QUICK_EXIT_URL", DEFAULT_EXIT_URL)
        html = (STATIC / "index.html").read_text(encoding="utf-8").replace(
            "<body>", f'<body data-exit-url="{_attribute(exit_url)}">', 1)

        @page.route("", methods=["GET"])
        async def index(_: Request) -> HTTPResponse:
            return response.html(html, headers=NO_STORE)

        @page.route("/static/<path:path>", methods=["GET"])
        async def static(_: Request, path: str) -> HTTPResponse:
            target = (STATIC / path).resolve()
            if STATIC.resolve() not in target.parents or not target.is_file():
                return response.text("not found", status=404)
            return response.raw(target.read_bytes(), headers=NO_STORE,
                                content_type=CONTENT_TYPES.get(target.suffix, "application/octet-stream"))

        @page.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            session_id = request.args.get("session_id", "")
            try:
                after = max(0, int(request.args.get("after", "0")))
            except ValueError:
                return response.json({"error": "after must be a number"}, status=400, headers=NO_STORE)
            if not SESSION_ID.match(session_id):
                return response.json({"error": "unknown session"}, status=404, headers=NO_STORE)
            tracker = await request.app.ctx.agent.tracker_store.retrieve(session_id)
            if tracker is None:
                return response.json({"error": "unknown session"}, status=404, headers=NO_STORE)
            texts = [{"text": e.text} for e in tracker.events if getattr(e, "type_name", "") == "bot" and e.text]
            return response.json({"messages": texts[after:]}, headers=NO_STORE)

        return page


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
