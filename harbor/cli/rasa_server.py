"""`python -m harbor.cli.rasa_server --port N`: Rasa's server as `rasa run --enable-api` would start it,
without putting a secret on the command line.

Guarantees:
- the HTTP API's auth token is read here (HARBOR_RASA_TOKEN or var/secrets/rasa_token), and so
  is the action server's (HARBOR_ACTIONS_TOKEN, which endpoints.yml puts into the
  `Authorization: Bearer` header of every action call); neither appears in `ps`;
- it listens on HARBOR_HOST (default 127.0.0.1) at --port;
- request bodies over channels.limits.REQUEST_MAX_BYTES get 413 before any handler reads them;
- logging is Rasa's own at INFO whatever LOG_LEVEL says (DEBUG would log message text);
- `GET /` answers only once the model is loaded (Sanic opens the port after Rasa's loader ran),
  and if the model could not be loaded the process exits 1 instead of serving without one,
  so readiness needs no token;
- Rasa's telemetry and error reporting are never initialised (harbor/__init__ also turns them off);
- GET /health, /health/ready and /metrics answer at the root (channels/ops.py), without a token.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from asyncio import AbstractEventLoop
from pathlib import Path

from channels import ops
from channels.limits import REQUEST_MAX_BYTES
from harbor.core.secret_store import private_dir, secret
from harbor.core.settings import (
    MODEL_PATH,
    PROJECT_ROOT,
    db_pool_max_overflow,
    db_pool_size,
    rasa_auth_token,
    redis_url,
    server_settings,
    var_dir,
)

log = logging.getLogger("harbor.cli.rasa_server")
EXIT_NO_MODEL = 1


def configure_logging() -> None:
    """What rasa/__main__.py does before `rasa run`, minus telemetry, at INFO."""
    import rasa.utils.io
    import rasa.utils.tensorflow.environment as tf_env
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.INFO, None, warn_only_once=True, filter_repeated_logs=True)
    tf_env.setup_tf_environment()
    tf_env.check_deterministic_ops()
    rasa.utils.io.configure_colored_logging(logging.INFO)
    configure_structlog(logging.INFO)


async def cap_request_size(app: object, _: AbstractEventLoop) -> None:
    # Sanic reads the limit for each new connection, so setting it before the port opens is enough.
    app.config.REQUEST_MAX_SIZE = REQUEST_MAX_BYTES  # type: ignore[attr-defined]


def add_ops_routes(app: object, _: AbstractEventLoop) -> None:
    # main_process_start: the last moment before Sanic freezes its router, and Rasa has no other hook.
    ops.add_routes(app)  # type: ignore[arg-type]


async def exit_without_model(app: object, _: AbstractEventLoop) -> None:
    agent = getattr(app.ctx, "agent", None)  # type: ignore[attr-defined]
    if agent is None or not agent.is_ready():
        log.error("no model could be loaded (see above); exiting rather than answering without one")
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(EXIT_NO_MODEL)  # from inside Sanic's loop: a plain exit would only end this listener


def move_legacy_conversation_ids() -> None:
    """Before any message: a database from before pseudonyms gets its ids moved (channels/legacy_ids.py)."""
    from channels.legacy_ids import move_legacy_ids
    from harbor.core.db import session_scope

    with session_scope() as session:
        move_legacy_ids(session)


def bound_tracker_store_pool() -> None:
    """Rasa's SQLTrackerStore builds its own engine, with pool_size 50 and max_overflow 100 unless
    SQL_POOL_SIZE and SQL_MAX_OVERFLOW say otherwise (rasa/core/tracker_store.py, create_engine_kwargs;
    endpoints.yml cannot pass them): one Rasa server could take 150 of PostgreSQL's 100 connections.
    It gets the bound Harbor's own pools have (harbor/core/settings.py shows how they add up)."""
    os.environ["SQL_POOL_SIZE"] = str(db_pool_size())
    os.environ["SQL_MAX_OVERFLOW"] = str(db_pool_max_overflow())


def endpoints_file() -> Path:
    """endpoints.yml, or with REDIS_URL set a copy under var/run that adds the lock store replicas share
    (harbor/cli/redis_lock_store.py); the URL itself stays in the environment, never in a file."""
    base = PROJECT_ROOT / "endpoints.yml"
    if not redis_url():
        return base
    run_dir = private_dir(var_dir() / "run")
    shared = run_dir / "endpoints.yml"
    shared.write_text(base.read_text(encoding="utf-8") + "\nlock_store:\n  type: "
                      "harbor.cli.redis_lock_store.AtomicRedisLockStore\n", encoding="utf-8")
    return shared


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harbor.cli.rasa_server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, help="default $HARBOR_RASA_PORT or 5005")
    parser.add_argument("--model", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    if not args.model.is_file():
        print(f"harbor.cli.rasa_server: no trained model at {args.model}; run `harbor train`", file=sys.stderr)
        return EXIT_NO_MODEL
    settings = server_settings(args.port)
    # endpoints.yml interpolates ${HARBOR_ACTIONS_TOKEN} from this process's environment. Set
    # here, after start, it is not even in /proc/<pid>/environ (which shows the starting one).
    os.environ["HARBOR_ACTIONS_TOKEN"] = secret("actions_token")
    bound_tracker_store_pool()
    auth_token = rasa_auth_token()
    configure_logging()
    move_legacy_conversation_ids()

    import rasa.api

    from harbor.cli import rasa_fast_paths

    rasa_fast_paths.install()
    rasa.api.run(
        model=str(args.model),
        endpoints=str(endpoints_file()),
        credentials=str(PROJECT_ROOT / "credentials.yml"),
        enable_api=True,
        auth_token=auth_token,
        interface=settings.host,
        port=settings.rasa_port,
        server_listeners=[(add_ops_routes, "main_process_start"), (cap_request_size, "before_server_start"),
                          (exit_without_model, "after_server_start")],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
