"""What every console handler shares: pages from the Jinja2 templates (autoescaped), database work
in a worker thread (never on the event loop), and the live-stream pacing."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp_session import get_session
from jinja2 import Environment, FileSystemLoader, select_autoescape

from harbor.core.db import session_scope
from hotline.console.web_security import IDLE_SECONDS, csrf_token, session_valid

HERE = Path(__file__).parent
TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
# The live pages read the database this often: a new escalation shows within about 0.1 s of being written.
POLL_SECONDS = 0.1
KEEPALIVE_SECONDS = 15.0


async def db(work: Any, *args: Any) -> Any:
    """Run `work(session, *args)` in a transaction, in a worker thread."""
    def run() -> Any:
        with session_scope() as session:
            return work(session, *args)
    return await asyncio.to_thread(run)


async def live(request: web.Request, stream: Any, quiet: float) -> bool:
    """Whether a live stream goes on: the page is connected, the stream is younger than the idle limit
    (the page's reconnect then passes the sign-in check again), and at each keep-alive the account is
    still valid (not disabled, same password)."""
    if not stream.is_connected():
        return False
    opened = request.setdefault("stream_opened", time.monotonic())
    if time.monotonic() - opened > IDLE_SECONDS:
        return False
    if quiet >= KEEPALIVE_SECONDS:
        return await session_valid(await get_session(request))
    return True


async def page(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    html = TEMPLATES.get_template(template).render(
        user=request.get("user"), role=request.get("role"), csrf=await csrf_token(request), **values)
    return web.Response(text=html, content_type="text/html", status=status)


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
