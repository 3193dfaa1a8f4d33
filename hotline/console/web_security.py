"""Who may do what in the console, enforced on every request.

- Sessions: aiohttp-session's EncryptedCookieStorage (Fernet; key derived from the id secret),
  HttpOnly, SameSite=Strict, Secure when the console's public URL is https. The cookie is re-sealed
  on every request and Fernet refuses one older than IDLE_SECONDS: 30 idle minutes sign you out.
- CSRF: every POST carries the session's token (form field `csrf` or header X-CSRF-Token).
- Roles: a handler declares the lowest role it needs (`@requires(SUPERVISOR)`); no session is 401,
  too low a role is 403. Routes without a declaration are refused unless listed in PUBLIC_PATHS.
- Sign-in attempts: LOGIN_FAILURES_ALLOWED failures per user name or per address in
  LOGIN_WINDOW_SECONDS, then 429 until the window has passed.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp_session import get_session, new_session, session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet
from sqlalchemy import select

from harbor.core.db import session_scope
from harbor.core.secret_store import fernet_key
from hotline.console.accounts import RANK, ConsoleUser

IDLE_SECONDS = 30 * 60
LOGIN_FAILURES_ALLOWED = 5  # per user name from one address
LOGIN_FAILURES_PER_ADDRESS = 30  # an office behind one address has many advocates
ABSOLUTE_SECONDS = 12 * 3600  # a session ends after 12 hours whatever happens
LOGIN_WINDOW_SECONDS = 15 * 60
# /metrics and /health/ready carry no personal data; deploy/ keeps them off the public proxy all the same.
PUBLIC_PATHS = ("/login", "/health", "/health/ready", "/metrics", "/static/")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def requires(role: str) -> Callable[[Handler], Handler]:
    def mark(handler: Handler) -> Handler:
        handler.required_role = role  # type: ignore[attr-defined]
        return handler
    return mark


def sessions(secure: bool) -> Any:
    """The session middleware; it must run before `guard`, which reads the session."""
    return session_middleware(EncryptedCookieStorage(
        Fernet(fernet_key("console-session")), cookie_name="harbor_console", max_age=IDLE_SECONDS,
        httponly=True, secure=secure, samesite="Strict"))


async def start_session(request: web.Request, username: str, role: str, version: str) -> None:
    """A fresh session (never the pre-sign-in one, so a planted cookie gains nothing). `version` is the
    account's password-change stamp: a new password ends every session signed in with the old one."""
    session = await new_session(request)
    session["user"], session["role"], session["csrf"] = username, role, secrets.token_urlsafe(32)
    session["version"], session["since"] = version, int(time.time())


def _still_valid(username: str, role: str, version: str) -> bool:
    """The account still exists, is enabled, has that role and the same password as at sign-in."""
    with session_scope() as db:
        user = db.scalar(select(ConsoleUser).where(ConsoleUser.username == username))
        return (user is not None and not user.disabled and user.role == role
                and user.password_changed_at.isoformat() == version)


async def session_valid(session: Any) -> bool:
    if "user" not in session or time.time() - session.get("since", 0) > ABSOLUTE_SECONDS:
        return False
    return await asyncio.to_thread(_still_valid, session["user"], session.get("role", ""),
                                   session.get("version", ""))


async def csrf_token(request: web.Request) -> str:
    session = await get_session(request)
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _public(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in PUBLIC_PATHS)


def _refuse(request: web.Request, status: int, message: str) -> web.Response:
    if "text/html" in request.headers.get("Accept", ""):
        body = (f"<!doctype html><meta charset=utf-8><title>Harbor console</title><p>{message}</p>"
                '<p><a href="/login">Sign in</a></p>')
        return web.Response(status=status, text=body, content_type="text/html")
    return web.json_response({"error": message}, status=status)


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    route_handler: Any = getattr(request.match_info, "handler", None)
    needed = getattr(route_handler, "required_role", None)
    session = await get_session(request)
    if request.method == "POST":
        given = request.headers.get("X-CSRF-Token") or (await request.post()).get("csrf")
        expected = session.get("csrf")
        # As bytes: compare_digest refuses str with non-ASCII characters, and a forged form may carry them.
        if not expected or not isinstance(given, str) or not hmac.compare_digest(given.encode(), expected.encode()):
            return _refuse(request, 403, "This form expired. Go back, reload the page and try again.")
    if needed is None and not _public(request.path):
        if request.match_info.http_exception is not None:  # 404 / 405 stay what they are, behind sign-in
            return _refuse(request, 401, "Sign in first.") if "user" not in session else await handler(request)
        return _refuse(request, 403, "Not allowed.")
    if needed is not None:
        if not await session_valid(session):
            session.invalidate()
            return _refuse(request, 401, "Sign in first.")
        if RANK.get(session.get("role"), 0) < RANK[needed]:
            return _refuse(request, 403, "Your role cannot open this.")
        session["seen"] = int(time.time())  # re-seals the cookie: the idle clock starts again
        request["user"], request["role"] = session["user"], session["role"]
    return await handler(request)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def client_address(request: web.Request, trusted: frozenset[str]) -> str | None:
    """Who is signing in: the peer, or, when the peer is one of our own proxies, the address it says it
    forwarded for (the right-most entry not itself a trusted proxy)."""
    peer = request.remote
    if peer not in trusted:
        return peer
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return peer


class LoginThrottle:
    """Sign-in attempts, counted before the password is checked (so parallel guesses count too), per
    name-and-address and, more loosely, per address; in memory (one console process). A name alone
    is never locked: anyone could then lock an advocate out by typing their name."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 limits: dict[str, int] | None = None) -> None:
        self.clock = clock
        self.limits = limits or {"pair": LOGIN_FAILURES_ALLOWED, "addr": LOGIN_FAILURES_PER_ADDRESS}
        self.attempts: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        window = self.attempts.get(key)
        if window is None:
            return deque()
        while window and self.clock() - window[0] > LOGIN_WINDOW_SECONDS:
            window.popleft()
        if not window:
            del self.attempts[key]
        return window

    def keys(self, username: str, address: str | None) -> tuple[str, str]:
        return f"pair:{username[:80]}|{address}", f"addr:{address}"

    def retry_after(self, *keys: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        waits = [LOGIN_WINDOW_SECONDS - (self.clock() - w[0]) for k in keys
                 if len(w := self._recent(k)) >= self.limits[k.split(":", 1)[0]]]
        return int(max(waits)) + 1 if waits else 0

    def attempt(self, *keys: str) -> None:
        for key in keys:
            self.attempts.setdefault(key, deque()).append(self.clock())

    def succeeded(self, pair: str, address: str) -> None:
        """A right password: the pair starts afresh, and this attempt no longer counts for the address."""
        self.attempts.pop(pair, None)
        window = self.attempts.get(address)
        if window:
            window.pop()
