"""A real Harbor for a bench: `harbor up --no-train` on free ports, a local fake Twilio API, a fresh
database with the seed directory and an on-call roster, all in a temporary directory. Stopped (SIGINT,
as a person would) when the `with` block ends."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from harbor.core.settings import PROJECT_ROOT, venv_executable

HARBOR = venv_executable("harbor")
# Advocates at the fake Twilio's numbers, on call from 2020 to 2100 (the e2e tests use it too).
ROSTER = """
advocates:
  - name: Dana Supervisor
    phone: "+14155550100"
    role: supervisor
  - name: Sam Primary
    phone: "+14155550101"
    supervisor: Dana Supervisor
  - name: Alex Backup
    phone: "+14155550102"
    supervisor: Dana Supervisor
shifts:
  - advocate: Sam Primary
    role: primary
    starts: 2020-01-01T00:00:00Z
    ends: 2100-01-01T00:00:00Z
  - advocate: Alex Backup
    role: backup
    starts: 2020-01-01T00:00:00Z
    ends: 2100-01-01T00:00:00Z
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def interrupt(process: subprocess.Popen, timeout: float = 60) -> None:
    """Ctrl-C, as a person stops a server (it shuts its children down); killed if it has not ended in time."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            requests.get(url, timeout=2)
            return
        # A timeout too: a server busy with its first message (a cold-start probe's) is still starting.
        except (requests.ConnectionError, requests.Timeout):
            if time.monotonic() > deadline:
                raise SystemExit(f"bench: {url} did not answer within {timeout:.0f} s") from None
            time.sleep(0.5)


@dataclass
class BenchHarbor:
    rest_url: str
    rasa_url: str
    fake_twilio_url: str
    rest_token: str
    rasa_token: str
    database_url: str
    env: dict[str, str]
    console_url: str = ""
    pid: int = 0  # `harbor up`, the supervisor: its process tree is all of Harbor
    spawned_at: float = 0.0  # time.monotonic() just before `harbor up` was started


@contextmanager
def started_harbor(extra_env: dict[str, str] | None = None,
                   on_spawn: Callable[[BenchHarbor], None] | None = None) -> Iterator[BenchHarbor]:
    """`on_spawn` is called right after `harbor up` starts, before it is ready (to time a cold start)."""
    if not (PROJECT_ROOT / "bot" / "models" / "harbor.tar.gz").exists():
        raise SystemExit("bench: no trained model; run `make train`")
    work = Path(tempfile.mkdtemp(prefix="harbor-bench-"))
    twilio_port, rasa_port, actions_port, console_port = free_port(), free_port(), free_port(), free_port()
    fake_url = f"http://127.0.0.1:{twilio_port}"
    database_url = f"sqlite:///{work / 'harbor.db'}"
    env = {**os.environ, "HARBOR_VAR_DIR": str(work), "DATABASE_URL": database_url,
           "TWILIO_ACCOUNT_SID": "ACfake", "TWILIO_AUTH_TOKEN": "fake-token",
           "TWILIO_FROM_NUMBER": "+14155550000", "TWILIO_API_BASE_URL": fake_url,
           "HARBOR_ACK_TIMEOUT_SECONDS": "3600", "RASA_TELEMETRY_ENABLED": "false",
           "HARBOR_REST_TOKEN": secrets.token_urlsafe(24), "HARBOR_RASA_TOKEN": secrets.token_urlsafe(24),
           "HARBOR_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}", **(extra_env or {})}
    (work / "roster.yml").write_text(ROSTER)
    subprocess.run([HARBOR, "oncall", "load", str(work / "roster.yml")], env=env, check=True, capture_output=True)
    fake = subprocess.Popen([sys.executable, "-m", "tests.fakes.twilio_api", "--port", str(twilio_port)],
                            cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    spawned_at = time.monotonic()
    harbor = subprocess.Popen([HARBOR, "up", "--no-train", "--port", str(rasa_port), "--actions-port",
                               str(actions_port), "--console-port", str(console_port),
                               "--pager-port", str(free_port())], cwd=PROJECT_ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    running = BenchHarbor(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", f"http://127.0.0.1:{rasa_port}",
                          fake_url, env["HARBOR_REST_TOKEN"], env["HARBOR_RASA_TOKEN"], database_url, env,
                          console_url=f"http://127.0.0.1:{console_port}", pid=harbor.pid, spawned_at=spawned_at)
    if on_spawn is not None:
        on_spawn(running)
    try:
        wait_http(f"{fake_url}/_fake/messages", 30)
        print("starting Harbor...", file=sys.stderr)
        wait_http(f"http://127.0.0.1:{rasa_port}/", 300)
        time.sleep(2)  # the pager and the action server come up after the Rasa server
        wait_http(f"http://127.0.0.1:{console_port}/health", 60)
        yield running
    finally:
        interrupt(harbor)
        fake.terminate()
        fake.wait(timeout=10)
