"""`python -m bot.action_server --port N`: the rasa_sdk action server for bot.actions, locked down.

Guarantees, each closing a door rasa_sdk's own `python -m rasa_sdk` leaves open:
- it listens on HARBOR_HOST (default 127.0.0.1), never on rasa_sdk's default 0.0.0.0;
- every path but GET /health, /health/ready and /metrics (no personal data in any of them) needs
  `Authorization: Bearer <actions token>` (401 otherwise, compared in constant time): an action
  such as action_escalate pages advocates, so only the Rasa server, which reads the same token
  from var/secrets, may ask for one;
- request bodies are capped at ACTIONS_REQUEST_MAX_BYTES (413), not at the channels' 64 KB:
  every action call carries the whole domain (about 26 KB) and the conversation's tracker with
  every event of the session (a few KB per turn, sessions last 24 h), and an escalation must
  never fail because a youth wrote a lot;
- no CORS headers: no browser page may call it;
- errors answer with a status and a phrase only, and are logged without the request body or the
  exception's message (a tracker carries the conversation's text); rasa_sdk's handler echoed both;
- one worker process, logging at INFO (rasa_sdk logs no tracker contents at INFO);
- GET /health is rasa_sdk's liveness; /health/ready says whether the database answers (503 naming
  it if not) and /metrics serves this process's Prometheus metrics (escalations are counted here).

The token comes from harbor.core.secret_store (HARBOR_ACTIONS_TOKEN or var/secrets/actions_token),
never from the command line.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import traceback
from http import HTTPStatus

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from harbor.core.health import database_check, readiness
from harbor.core.metrics import render
from harbor.core.secret_store import secret
from harbor.core.settings import database_url, server_settings

log = logging.getLogger("harbor.action_server")
# Far above any real tracker (a thousand turns is about 4 MB), far below Sanic's default 100 MB.
ACTIONS_REQUEST_MAX_BYTES = 8 * 1024 * 1024
OPEN_PATHS = frozenset({"/health", "/health/ready", "/metrics"})


def _authorized(header: str | None, token: str) -> bool:
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _status_only(status: int) -> HTTPResponse:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "error"
    return response.json({"error": phrase}, status=status)


def build_app(token: str, actions_package: str = "bot.actions") -> Sanic:
    """The rasa_sdk app for `actions_package`, with the token check, the body cap and a quiet error handler."""
    if not token:
        raise ValueError("the action server needs a non-empty token")
    app = create_app(actions_package, cors_origins=[])
    app.config.REQUEST_MAX_SIZE = ACTIONS_REQUEST_MAX_BYTES

    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path.rstrip("/") in OPEN_PATHS:
            return None
        if not _authorized(request.headers.get("authorization"), token):
            log.warning("refused %s %s: missing or wrong bearer token", request.method, request.path)
            return _status_only(401)
        return None

    @app.get("/health/ready")
    async def ready(_: Request) -> HTTPResponse:
        status, body = await readiness([database_check(database_url())])
        return response.json(body, status=status)

    @app.get("/metrics")
    async def metrics(_: Request) -> HTTPResponse:
        body, content_type = render()
        return response.raw(body, content_type=content_type)

    # Registering Exception again replaces rasa_sdk's handler, which put the request body (the
    # tracker: every message of the conversation) into the response and the exception into the log.
    @app.exception(Exception)
    async def quiet_errors(request: Request | None, exception: Exception) -> HTTPResponse:
        if isinstance(exception, SanicException):  # 404, 405, 413...: the client's mistake
            return _status_only(getattr(exception, "status_code", 500) or 500)
        where = f"{request.method} {request.path}" if request is not None else "a request"
        log.error("error while handling %s: %s (message withheld: it may quote the conversation)\n%s",
                  where, type(exception).__name__, "".join(traceback.format_tb(exception.__traceback__)))
        return _status_only(500)

    return app


def configure_logging() -> None:
    """As `python -m rasa_sdk` does, at INFO whatever LOG_LEVEL says (DEBUG would log trackers)."""
    from rasa_sdk import utils

    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(logging.INFO)
    utils.update_sanic_log_level()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.action_server", description=__doc__.splitlines()[0])
    settings = server_settings()
    parser.add_argument("--port", type=int, default=settings.actions_port)
    args = parser.parse_args(argv)
    host = settings.host
    configure_logging()
    app = build_app(secret("actions_token"))
    log.info("action server listening on http://%s:%s (bearer token required)", host, args.port)
    app.run(host=host, port=args.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
