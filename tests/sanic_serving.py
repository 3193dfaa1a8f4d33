"""A Sanic app (the Rasa server's or the action server's) served for real on a free loopback port inside
the test's own event loop, so tests talk to it over HTTP without starting Rasa."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sanic import Sanic


@asynccontextmanager
async def serving(app: Sanic) -> AsyncIterator[str]:
    """The app's base URL while the block runs; its start and stop listeners run as in a real server."""
    # What sanic-testing sets: Sanic then keeps its original protocol methods, so a second app in the
    # same process can start (without it, Sanic rewrites them at each start and fails the second time).
    Sanic.test_mode = True
    # Sanic 21.12 turns port 0 into 8000: hand it a socket already bound to a free port instead.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()
        sock.close()
