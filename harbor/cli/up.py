"""`harbor up`: run the action server, the Rasa server and the pager, and keep them running.

Guarantees (the CLI trains first, in a child process, unless --no-train):
- no secret is on any command line or in var/run/harbor.json: the launchers
  (bot/action_server.py, harbor/cli/rasa_server.py) read their tokens from harbor.core.secret_store;
- every server listens on HARBOR_HOST (default 127.0.0.1);
- var/ and its log/ and run/ folders are 0700, and the files harbor up writes there 0600
  (the CLI also sets umask 077 for everything it starts);
- this process imports no spaCy, Rasa or TensorFlow: it stays small for as long as it supervises.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from harbor import NO_TELEMETRY_ENV
from harbor.cli.supervisor import Child, ChildFailed, Supervisor
from harbor.core.secret_store import KNOWN, private_dir, secret
from harbor.core.settings import (
    MODEL_PATH,
    PROJECT_ROOT,
    ServerSettings,
    restart_delay_seconds,
    var_dir,
    venv_executable,
)

# Loading TensorFlow and the model takes a while on two cores.
READY_TIMEOUT_SECONDS = 240.0

QUIET_ENV = {
    **NO_TELEMETRY_ENV,
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore::DeprecationWarning",
}


def configuration_problem(environ: Mapping[str, str]) -> str | None:
    """Why this environment would start a Harbor that silently fails, in one line; None if it would not."""
    public_url = environ.get("HARBOR_PUBLIC_URL", "").strip()  # the mapping given, not os.environ
    halves = [name for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN") if environ.get(name)]
    if len(halves) == 1:
        missing = ({"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"} - set(halves)).pop()
        return (f"{halves[0]} is set but {missing} is not: set both to use Twilio, or neither to use the "
                "local outbox")
    if environ.get("TWILIO_ACCOUNT_SID") and environ.get("TWILIO_AUTH_TOKEN") and not public_url:
        return ("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are set but HARBOR_PUBLIC_URL is not: behind a TLS proxy "
                "every Twilio signature would fail and every SMS would be refused; set HARBOR_PUBLIC_URL to the "
                "public https base URL Twilio posts to (e.g. https://harbor.example.org)")
    if public_url:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return (f"HARBOR_PUBLIC_URL must be the public http(s) base URL Twilio posts to "
                    f"(e.g. https://harbor.example.org), not {public_url!r}")
    return None


def build_children(settings: ServerSettings, model: Path = MODEL_PATH) -> list[Child]:
    """The four processes, in start order. Their command lines carry ports and paths, never a token."""
    logs = var_dir() / "log"
    common = {**QUIET_ENV, "DATABASE_URL": settings.database_url, "HARBOR_HOST": settings.host}
    actions = Child(
        name="action server",
        command=[sys.executable, "-m", "bot.action_server", "--port", str(settings.actions_port)],
        ready_url=f"http://{settings.host}:{settings.actions_port}/health",
        log_path=logs / "actions.log",
        env=common,
        cwd=PROJECT_ROOT,
    )
    rasa = Child(
        name="rasa server",
        command=[sys.executable, "-m", "harbor.cli.rasa_server", "--port", str(settings.rasa_port),
                 "--model", str(model)],
        # Rasa's GET / needs no token and answers only once the model is loaded.
        ready_url=f"{settings.rasa_url}/",
        log_path=logs / "rasa.log",
        env={**common, "HARBOR_ACTION_SERVER_URL": settings.actions_url},
        cwd=PROJECT_ROOT,
    )
    pager = Child(
        name="pager",
        command=[venv_executable("harbor"), "pager", "--port", str(settings.pager_port)],
        ready_url=None,
        log_path=logs / "pager.log",
        env=common,
        cwd=PROJECT_ROOT,
    )
    console = Child(
        name="console",
        command=[venv_executable("harbor"), "console", "--port", str(settings.console_port)],
        ready_url=f"{settings.console_local_url}/health",
        log_path=logs / "console.log",
        env=common,
        cwd=PROJECT_ROOT,
    )
    return [actions, rasa, pager, console]


def secure_var_dir(root: Path) -> None:
    """Make `root` (var/) and its log/, run/ and outbox/ folders 0700, and the files in them and
    the SQLite database 0600: an older Harbor, or another umask, may have left them readable."""
    for folder in (root, root / "log", root / "run"):
        private_dir(folder)
    if (root / "outbox").is_dir():
        private_dir(root / "outbox")
    files = [p for folder in ("log", "run", "outbox") if (root / folder).is_dir() for p in (root / folder).iterdir()]
    files += root.glob("harbor.db*")
    for path in files:
        if path.is_file() and not path.is_symlink():
            path.chmod(0o600)


def ensure_secrets() -> None:
    # Generate every secret here, once, before any child starts: two children creating the same
    # file at the same moment could have one read it before the other has written it.
    for name in KNOWN:
        secret(name)


def pager_destination() -> str:
    from harbor.core.settings import TwilioSettings

    twilio = TwilioSettings.from_env()
    if twilio.configured:
        return f"Twilio{' at ' + twilio.api_base_url if twilio.api_base_url else ''}"
    return f"local outbox {var_dir() / 'outbox' / 'pages.jsonl'} (no Twilio credentials)"


class SeedFailed(RuntimeError):
    pass


class UpgradeFailed(RuntimeError):
    """`harbor db upgrade` refused or failed; `exit_code` is its own (2: the database differs from the baseline)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def upgrade_database(database_url: str) -> str:
    """Bring the database to the newest schema revision before any process opens it (`harbor db upgrade`).

    A child, like the seed: Alembic and every model stay out of this long-lived process. The processes
    would each upgrade on first use too; doing it once here puts a refusal in front of the person
    starting Harbor instead of in four logs."""
    done = subprocess.run([venv_executable("harbor"), "db", "upgrade", "--json"], cwd=PROJECT_ROOT,
                          env={**os.environ, **QUIET_ENV, "DATABASE_URL": database_url},
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        reason = lines[-1].removeprefix("harbor: ") if lines else f"exit code {done.returncode}"
        raise UpgradeFailed(f"upgrading the database schema failed: {reason}", done.returncode)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    said = [f"database schema: at revision {result['revision']}"
            + (f" (applied {', '.join(result['applied'])})" if result["applied"] else " (no change)")]
    if result["adopted"]:
        said.append("a database from before migrations was adopted")
    if result["directory_backup"]:
        said.append("the resource directory now has HSDS 3.0 ids; its old rows are kept in "
                    f"{result['directory_backup']}")
    return "; ".join(said)


def shown_url(url: str) -> str:
    """A database URL fit for a terminal or a log: its password masked."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unreadable DATABASE_URL)"


def load_seed_directory(database_url: str) -> str:
    """Merge the seed programs into the directory (idempotent; imported rows are left alone).

    Runs `harbor resources seed` as a child: resolving the seed's places loads the ZIP code table,
    which would otherwise stay in this long-lived process (about 180 MB)."""
    done = subprocess.run([venv_executable("harbor"), "resources", "seed", "--json"], cwd=PROJECT_ROOT,
                          env={**os.environ, **QUIET_ENV, "DATABASE_URL": database_url},
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise SeedFailed(f"loading the seed directory failed: {lines[-1] if lines else f'exit code {done.returncode}'}")
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    # A database from before HSDS ids is moved by the seed child first: say where its old rows are kept.
    moved = [line.removeprefix("harbor: ") for line in done.stderr.splitlines() if "old rows are kept in" in line]
    return "; ".join([f"resource directory: {summary['services']} seed services loaded "
                      f"({summary['located']} with a city)", *moved])


def banner(settings: ServerSettings) -> str:
    return "\n".join([
        "Harbor is up.",
        f"  Chat API (REST):  {settings.rest_webhook_url}",
        "                    (bearer token: $HARBOR_REST_TOKEN or var/secrets/rest_token)",
        f"  Rasa HTTP API:    {settings.rasa_url}",
        "                    (auth token: $HARBOR_RASA_TOKEN or var/secrets/rasa_token)",
        f"  Action server:    {settings.actions_url}",
        f"  Hotline console:  {settings.console_local_url}  (accounts: harbor users add NAME --role admin)",
        f"  Database:         {shown_url(settings.database_url)}",
        f"  Pager:            {pager_destination()}",
        "  Health, metrics:  /health, /health/ready and /metrics on each server above,",
        f"                    the pager's on {settings.pager_local_url}",
        f"  Logs:             {var_dir() / 'log'}",
        "A process that dies is restarted; see its log. Talk to it in another terminal: .venv/bin/harbor chat",
        "Stop: Ctrl-C",
    ])


def run_up(settings: ServerSettings, say: Callable[[str], None], as_json: bool = False) -> int:
    restart_delay = restart_delay_seconds()  # a bad value stops here, before anything starts
    if not MODEL_PATH.exists():
        say(f"no trained model at {MODEL_PATH}; run `harbor train` (or `harbor up` without --no-train)")
        return 1
    os.umask(0o077)  # the CLI sets it too; here it also holds for callers of run_up
    secure_var_dir(var_dir())
    ensure_secrets()
    try:
        say(upgrade_database(settings.database_url))
    except UpgradeFailed as failure:
        say(f"ERROR: {failure}")
        return failure.exit_code if failure.exit_code in (1, 2) else 1
    try:
        say(load_seed_directory(settings.database_url))
    except SeedFailed as failure:
        say(f"ERROR: {failure}")
        return 1
    children = build_children(settings)
    supervisor = Supervisor(children, say, state_file=var_dir() / "run" / "harbor.json",
                            backoff_initial=restart_delay, backoff_max=max(60.0, restart_delay))
    supervisor.install_signal_handlers()
    try:
        supervisor.start(READY_TIMEOUT_SECONDS)
        if as_json:
            print(json.dumps({"status": "ready", "rest_webhook": settings.rest_webhook_url,
                              "rasa": settings.rasa_url, "actions": settings.actions_url,
                              "console": settings.console_local_url,
                              "database": shown_url(settings.database_url)}), flush=True)
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
