"""Readiness, without a web framework: each process's /health/ready runs its checks through `readiness`
and answers with the status and JSON body it returns.

Guarantees:
- every check runs in a worker thread, never on the event loop, and is given READY_TIMEOUT_SECONDS:
  a database that does not answer makes the check fail in about that long, it never hangs the probe;
- a check that is still running from an earlier probe is waited for, not started again, so a dead
  database probed every few seconds cannot pile up threads (at most PROBE_THREADS run at once);
- the body names each check and says what is wrong in words of Harbor's own (an error's type at
  most, never its message, which may carry a URL or a value): no message text, no phone number;
- 503 when a required check fails; an advisory check (`required=False`) is reported, listed under
  "warnings", and leaves the answer 200.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

READY_TIMEOUT_SECONDS = 2.0
PROBE_THREADS = 4

_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=PROBE_THREADS, thread_name_prefix="harbor-ready")
_RUNNING: dict[str, concurrent.futures.Future] = {}
_RUNNING_LOCK = threading.Lock()


class NotReady(Exception):
    """A check's finding that this part is not ready: `detail` is one line for a person, `facts` go in the body."""

    def __init__(self, detail: str, **facts: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.facts = facts


@dataclass(frozen=True)
class Check:
    name: str
    # Blocking is fine (it runs in a thread); returns facts for the body, or raises NotReady.
    run: Callable[[], dict[str, Any] | None]
    required: bool = True
    # Probes with the same key share one run in flight (default: the name).
    key: str = ""


def live() -> dict[str, str]:
    """Liveness: the process answers. Deliberately checks nothing else, so it stays cheap."""
    return {"status": "ok"}


async def readiness(checks: Iterable[Check], timeout: float = READY_TIMEOUT_SECONDS) -> tuple[int, dict[str, Any]]:
    checks = list(checks)
    results = await asyncio.gather(*(_outcome(check, timeout) for check in checks))
    failed = [c.name for c, r in zip(checks, results, strict=True) if not r["ok"] and c.required]
    warnings = [c.name for c, r in zip(checks, results, strict=True) if not r["ok"] and not c.required]
    body: dict[str, Any] = {"status": "not ready" if failed else "ready", "not_ready": failed,
                            "checks": {c.name: r for c, r in zip(checks, results, strict=True)}}
    if warnings:
        body["warnings"] = warnings
    return (503 if failed else 200), body


async def _outcome(check: Check, timeout: float) -> dict[str, Any]:
    try:
        facts = await asyncio.wait_for(asyncio.wrap_future(_started(check)), timeout)
    except asyncio.TimeoutError:
        result: dict[str, Any] = {"ok": False, "detail": f"no answer within {timeout:g} s"}
    except NotReady as finding:
        result = {"ok": False, "detail": finding.detail, **finding.facts}
    except Exception as error:
        result = {"ok": False, "detail": f"failed ({type(error).__name__})"}
    else:
        result = {"ok": True, **(facts or {})}
    if not check.required:
        result["required"] = False
    return result


def _started(check: Check) -> concurrent.futures.Future:
    with _RUNNING_LOCK:
        key = check.key or check.name
        running = _RUNNING.get(key)
        if running is None or running.done():
            running = _POOL.submit(check.run)
            _RUNNING[key] = running
        return running


def database_check(url: str, timeout: float = READY_TIMEOUT_SECONDS) -> Check:
    """The database at `url` answers a SELECT 1."""
    def run() -> None:
        with _probe_engine(url, timeout).connect() as connection:
            connection.execute(text("SELECT 1"))
    return Check("database", run, key=f"database {url}")


@lru_cache(maxsize=4)
def _probe_engine(url: str, timeout: float) -> Engine:
    # A fresh connection per probe (no pool): a pooled one could answer from before the database died.
    if url.startswith("sqlite"):
        args: dict[str, Any] = {"timeout": timeout}
    elif url.startswith("postgresql"):
        args = {"connect_timeout": max(1, round(timeout))}
    else:
        args = {}
    return create_engine(url, future=True, poolclass=NullPool, connect_args=args, hide_parameters=True)
