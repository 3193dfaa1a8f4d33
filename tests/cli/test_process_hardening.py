"""How `harbor up` runs its processes, checked without the Rasa server (tests/e2e/test_processes.py
checks a running harbor): configuration that would silently fail is refused; the action server
is locked (loopback, token, body cap, errors that quote nothing); secrets stay off command lines;
var/ is private; the supervisor side of `harbor up`/`harbor train` loads no heavy library."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from harbor.core.settings import ServerSettings, venv_executable
from tests.e2e.conftest import free_port
from tests.e2e.process_helpers import listening_sockets

HARBOR = venv_executable("harbor")
PATIENCE_SECONDS = 120  # a guard against hanging forever, never an assertion about speed
HEAVY = ("spacy", "rasa", "rasa_sdk", "tensorflow", "sanic")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TWILIO_", "HARBOR_")) and k != "DATABASE_URL"}
    return {**env, "HARBOR_VAR_DIR": str(tmp_path / "var"), **extra}


# ---- configuration that cannot silently fail ----

def test_twilio_without_a_public_url_refuses_to_start(tmp_path: Path, project_root: Path):
    env = _env(tmp_path, TWILIO_ACCOUNT_SID="ACtest", TWILIO_AUTH_TOKEN="test-token")
    done = subprocess.run([HARBOR, "up", "--no-train"], cwd=project_root, env=env,
                          capture_output=True, text=True, timeout=PATIENCE_SECONDS)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "HARBOR_PUBLIC_URL" in lines[0] and "Twilio signature" in lines[0] and "https" in lines[0]
    assert not (tmp_path / "var").exists()  # refused before anything was started or written


def test_a_public_url_that_is_not_a_url_refuses_to_start(tmp_path: Path, project_root: Path):
    env = _env(tmp_path, TWILIO_ACCOUNT_SID="ACtest", TWILIO_AUTH_TOKEN="test-token",
               HARBOR_PUBLIC_URL="harbor.example.org")
    done = subprocess.run([HARBOR, "up", "--no-train"], cwd=project_root, env=env,
                          capture_output=True, text=True, timeout=PATIENCE_SECONDS)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "HARBOR_PUBLIC_URL" in done.stderr


def test_half_a_twilio_account_refuses_to_start(tmp_path: Path, project_root: Path):
    env = _env(tmp_path, TWILIO_AUTH_TOKEN="test-token", HARBOR_PUBLIC_URL="https://harbor.example.org")
    done = subprocess.run([HARBOR, "up", "--no-train"], cwd=project_root, env=env,
                          capture_output=True, text=True, timeout=PATIENCE_SECONDS)
    assert done.returncode == 2
    assert "TWILIO_ACCOUNT_SID is not" in done.stderr and len(done.stderr.strip().splitlines()) == 1


# ---- the supervisor stays small ----

PROBE = """
import json, subprocess, sys
import harbor.cli.main as cli
import harbor.cli.training as training
import harbor.cli.up as up
from harbor.core.settings import server_settings

commands = []
def fake_run(command, **kwargs):  # the child that would train; recorded, not run
    commands.append(command)
    return subprocess.CompletedProcess(command, 0)
real_run, subprocess.run = subprocess.run, fake_run
assert cli.main(["train"]) == 0
subprocess.run = real_run

settings = server_settings()
up.secure_var_dir(up.var_dir())
up.ensure_secrets()
print(up.load_seed_directory(settings.database_url), file=sys.stderr)
up.build_children(settings)
up.banner(settings)
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1:]))
peak_kb = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
print(json.dumps({"heavy": heavy, "commands": commands, "peak_mb": peak_kb // 1024}))
"""


def test_up_and_train_keep_heavy_libraries_out_of_the_supervisor(tmp_path: Path, project_root: Path):
    done = subprocess.run([sys.executable, "-c", PROBE, *HEAVY], cwd=project_root, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=PATIENCE_SECONDS)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["heavy"] == []
    assert report["peak_mb"] < 150  # it was 874 MB; the ZIP code table alone is about 180 MB
    assert report["commands"] == [[sys.executable, "-m", "harbor.cli.training"]]
    assert "seed services loaded" in done.stderr  # the seed really went into the database, from a child


# ---- secrets stay off command lines; var/ is private ----

def test_no_child_command_line_carries_a_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from harbor.cli.up import build_children

    tokens = {"HARBOR_RASA_TOKEN": "rasa-secret-1", "HARBOR_ACTIONS_TOKEN": "actions-secret-2",
              "HARBOR_REST_TOKEN": "rest-secret-3", "HARBOR_ID_SECRET": "id-secret-4"}
    for name, value in tokens.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HARBOR_VAR_DIR", str(tmp_path))
    children = build_children(ServerSettings("127.0.0.1", 5005, 5055, "sqlite:///x.db"))
    for child in children:
        shown = " ".join([*child.command, child.ready_url or ""])
        assert [v for v in tokens.values() if v in shown] == [], shown
        assert "token" not in shown.lower()


def test_secure_var_dir_tightens_what_an_older_harbor_left_readable(tmp_path: Path):
    from harbor.cli.up import secure_var_dir

    var = tmp_path / "var"
    (var / "log").mkdir(parents=True)
    var.chmod(0o755)
    (var / "log").chmod(0o755)
    for path in (var / "log" / "rasa.log", var / "harbor.db"):
        path.write_text("old")
        path.chmod(0o644)
    secure_var_dir(var)
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in (var, var / "log", var / "run")} == {
        "var": "0o700", "log": "0o700", "run": "0o700"}
    assert oct(stat.S_IMODE((var / "log" / "rasa.log").stat().st_mode)) == "0o600"
    assert oct(stat.S_IMODE((var / "harbor.db").stat().st_mode)) == "0o600"


def test_endpoints_put_the_actions_token_in_the_header_rasa_sends(monkeypatch: pytest.MonkeyPatch,
                                                                   project_root: Path):
    from rasa.utils.endpoints import read_endpoint_config

    monkeypatch.setenv("HARBOR_ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("HARBOR_ACTIONS_TOKEN", "tok-en_123")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///unused.db")
    endpoint = read_endpoint_config(str(project_root / "endpoints.yml"), "action_endpoint")
    assert endpoint.url == "http://127.0.0.1:5055/webhook"
    assert endpoint.headers == {"Authorization": "Bearer tok-en_123"}


# ---- the action server, started as harbor up starts it ----

@dataclass
class ActionServer:
    process: subprocess.Popen
    url: str
    token: str
    output: list[str]

    def log(self) -> str:
        return "".join(self.output)


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory, project_root: Path) -> Iterator[ActionServer]:
    tmp = tmp_path_factory.mktemp("actions")
    port, token = free_port(), "actions-" + os.urandom(8).hex()
    # SANIC_HOST is what rasa_sdk's own runner binds; it must make no difference here.
    env = _env(tmp, HARBOR_ACTIONS_TOKEN=token, SANIC_HOST="0.0.0.0",
               DATABASE_URL=f"sqlite:///{tmp / 'harbor.db'}")
    process = subprocess.Popen([sys.executable, "-m", "bot.action_server", "--port", str(port)], cwd=project_root,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(iter(process.stdout.readline, "")), daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + PATIENCE_SECONDS
    while True:
        try:
            if requests.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the action server did not start:\n" + "".join(output))
        time.sleep(0.3)
    yield ActionServer(process, url, token, output)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def _call(sender: str, text: str) -> dict:
    """A call Rasa could send, but with a tracker the action cannot read (its text must not leak)."""
    return {"next_action": "action_escalate", "sender_id": sender, "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": sender, "latest_message": {"text": text, "risk": "not-a-dict"}, "events": []}}


def test_the_action_server_listens_on_loopback_only(action_server: ActionServer):
    sockets = listening_sockets([action_server.process.pid])
    assert sockets and all(s.loopback for s in sockets), sockets


def test_the_action_server_needs_its_token(action_server: ActionServer):
    call = _call("anyone", "hello")
    assert requests.post(f"{action_server.url}/webhook", json=call, timeout=30).status_code == 401
    wrong = {"Authorization": "Bearer guess"}
    assert requests.post(f"{action_server.url}/webhook", json=call, headers=wrong, timeout=30).status_code == 401
    assert requests.get(f"{action_server.url}/actions", timeout=30).status_code == 401
    right = {"Authorization": f"Bearer {action_server.token}"}
    assert requests.get(f"{action_server.url}/actions", headers=right, timeout=30).status_code == 200
    assert requests.get(f"{action_server.url}/health", timeout=30).status_code == 200


def test_the_action_server_caps_request_bodies(action_server: ActionServer):
    from bot.action_server import ACTIONS_REQUEST_MAX_BYTES

    right = {"Authorization": f"Bearer {action_server.token}", "Content-Type": "application/json"}
    too_big = requests.post(f"{action_server.url}/webhook", data=b"x" * (ACTIONS_REQUEST_MAX_BYTES + 1),
                            headers=right, timeout=60)
    assert too_big.status_code == 413


def test_an_action_server_error_quotes_nothing_of_the_conversation(action_server: ActionServer):
    right = {"Authorization": f"Bearer {action_server.token}"}
    secret_text = "my name is Jo and I live at 12 Elm St " + os.urandom(4).hex()
    failed = requests.post(f"{action_server.url}/webhook", json=_call("conv-1", secret_text), headers=right,
                           timeout=30)
    assert failed.status_code == 500
    assert secret_text not in failed.text and "Elm" not in failed.text
    deadline = time.monotonic() + PATIENCE_SECONDS
    while "error while handling POST /webhook" not in action_server.log():
        assert time.monotonic() < deadline, action_server.log()
        time.sleep(0.2)
    assert "Elm" not in action_server.log()


# ---- the Rasa server launcher ----

def test_the_rasa_server_exits_rather_than_serve_without_a_model(tmp_path: Path, project_root: Path):
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a model")
    env = _env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'harbor.db'}",
               HARBOR_ACTION_SERVER_URL="http://127.0.0.1:9/webhook")
    done = subprocess.run([sys.executable, "-m", "harbor.cli.rasa_server", "--port", str(free_port()),
                           "--model", str(broken)], cwd=project_root, env=env, capture_output=True, text=True,
                          timeout=PATIENCE_SECONDS * 3)
    assert done.returncode == 1
    assert "no model could be loaded" in done.stdout + done.stderr
