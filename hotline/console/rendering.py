"""What every console handler shares: pages from the Jinja2 templates (autoescaped), database work
in a worker thread (never on the event loop), and the live-stream pacing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from harbor.core.db import session_scope
from hotline.console.web_security import csrf_token

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


async def page(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    html = TEMPLATES.get_template(template).render(
        user=request.get("user"), role=request.get("role"), csrf=await csrf_token(request), **values)
    return web.Response(text=html, content_type="text/html", status=status)
