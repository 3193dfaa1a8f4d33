"""`harbor up`: train if the data changed, then run the action server and the Rasa server."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from harbor import NO_TELEMETRY_ENV
from harbor.settings import (
    MODEL_PATH,
    PROJECT_ROOT,
    ServerSettings,
    rasa_auth_token,
    var_dir,
)
from harbor.supervisor import Child, ChildFailed, Supervisor

# Loading TensorFlow and the model takes a while on two cores.
READY_TIMEOUT_SECONDS = 240.0

QUIET_ENV = {
    **NO_TELEMETRY_ENV,
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore::DeprecationWarning",
}


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def build_children(settings: ServerSettings, token: str, model: Path = MODEL_PATH) -> list[Child]:
    logs = var_dir() / "log"
    actions = Child(
        name="action server",
        command=[sys.executable, "-m", "rasa_sdk", "--actions", "bot.actions",
                 "--port", str(settings.actions_port)],
        ready_url=f"http://{settings.host}:{settings.actions_port}/health",
        log_path=logs / "actions.log",
        env={**QUIET_ENV, "DATABASE_URL": settings.database_url},
        cwd=PROJECT_ROOT,
    )
    rasa = Child(
        name="rasa server",
        command=[_bin("rasa"), "run", "--enable-api", "--auth-token", token,
                 "--model", str(model), "--endpoints", "endpoints.yml",
                 "--credentials", "credentials.yml", "--interface", settings.host,
                 "--port", str(settings.rasa_port)],
        ready_url=f"{settings.rasa_url}/status?token={token}",
        log_path=logs / "rasa.log",
        env={**QUIET_ENV, "DATABASE_URL": settings.database_url,
             "HARBOR_ACTION_SERVER_URL": settings.actions_url},
        cwd=PROJECT_ROOT,
    )
    pager = Child(
        name="pager",
        command=[_bin("harbor"), "pager"],
        ready_url=None,
        log_path=logs / "pager.log",
        env={**QUIET_ENV, "DATABASE_URL": settings.database_url},
        cwd=PROJECT_ROOT,
    )
    return [actions, rasa, pager]


def pager_destination() -> str:
    from harbor.twilio_gateway import TwilioSettings

    twilio = TwilioSettings.from_env()
    if twilio.configured:
        return f"Twilio{' at ' + twilio.api_base_url if twilio.api_base_url else ''}"
    return f"local outbox {var_dir() / 'outbox' / 'pages.jsonl'} (no Twilio credentials)"


def load_seed_directory(database_url: str) -> str:
    """Merge the seed programs into the directory (idempotent; imported rows are left alone)."""
    from resources_db.db import directory_session
    from resources_db.seed import load_seed

    with directory_session(database_url) as session:
        summary = load_seed(session)
    return f"resource directory: {summary.services} seed services loaded ({summary.located} with a city)"


def banner(settings: ServerSettings) -> str:
    return "\n".join([
        "Harbor is up.",
        f"  Chat API (REST):  {settings.rest_webhook_url}",
        f"  Rasa HTTP API:    {settings.rasa_url}",
        "                    (auth token: $HARBOR_RASA_TOKEN or var/secrets/rasa_token)",
        f"  Action server:    {settings.actions_url}",
        f"  Database:         {settings.database_url}",
        f"  Pager:            {pager_destination()}",
        f"  Logs:             {var_dir() / 'log'}",
        "Talk to it in another terminal: .venv/bin/harbor chat      Stop: Ctrl-C",
    ])


def run_up(settings: ServerSettings, say: Callable[[str], None], as_json: bool = False) -> int:
    if not MODEL_PATH.exists():
        say(f"no trained model at {MODEL_PATH}; run `harbor train` (or `harbor up` without --no-train)")
        return 1
    var_dir().mkdir(parents=True, exist_ok=True)
    say(load_seed_directory(settings.database_url))
    children = build_children(settings, rasa_auth_token())
    supervisor = Supervisor(children, say, state_file=var_dir() / "run" / "harbor.json")
    supervisor.install_signal_handlers()
    try:
        supervisor.start(READY_TIMEOUT_SECONDS)
        if as_json:
            print(json.dumps({"status": "ready", "rest_webhook": settings.rest_webhook_url,
                              "rasa": settings.rasa_url, "actions": settings.actions_url,
                              "database": settings.database_url}), flush=True)
        else:
            print(banner(settings), flush=True)
        return supervisor.watch()
    except ChildFailed as failure:
        say(f"ERROR: {failure}")
        return 1
    except TimeoutError as timeout:
        say(f"ERROR: {timeout}")
        return 1
    except KeyboardInterrupt:
        say("stopping (Ctrl-C received)")
        return 0
    finally:
        supervisor.stop()
