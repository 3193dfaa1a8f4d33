"""Serve an app on a free loopback port from its own event loop in a thread, so that synchronous tests
(hypothesis drives them) can call it over real HTTP with `requests`, many times, against one server."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager

from aiohttp.test_utils import TestServer


@contextmanager
def in_thread(serve: Callable[[], AbstractAsyncContextManager[str]]) -> Iterator[str]:
    """`serve()` is an async context manager yielding the base URL (tests.sanic_serving.serving, or
    `aiohttp_serving` below); it is entered and left on the thread's own loop."""
    loop = asyncio.new_event_loop()
    ready: asyncio.Future[str] = loop.create_future()
    stop = asyncio.Event()

    async def run() -> None:
        try:
            async with serve() as base:
                ready.set_result(base)
                await stop.wait()
        except BaseException as error:  # a failed start must reach the test, not vanish with the thread
            if not ready.done():
                ready.set_exception(error)
            raise

    def main() -> None:
        asyncio.set_event_loop(loop)  # for libraries that ask for "the current loop" of this thread
        try:
            loop.run_until_complete(run())
        finally:
            # Connections still closing get to finish on this loop, not on a closed one.
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    base = asyncio.run_coroutine_threadsafe(asyncio.wait_for(asyncio.shield(ready), 30), loop).result(timeout=35)
    try:
        yield base
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=30)
        loop.close()


def aiohttp_serving(make_app: Callable[[], object]) -> Callable[[], AbstractAsyncContextManager[str]]:
    """An aiohttp application factory as something `in_thread` can serve (built on the serving loop)."""
    @asynccontextmanager
    async def serve() -> AsyncIterator[str]:
        server = TestServer(make_app(), host="127.0.0.1")
        await server.start_server()
        try:
            yield str(server.make_url("")).rstrip("/")
        finally:
            await server.close()

    return serve
