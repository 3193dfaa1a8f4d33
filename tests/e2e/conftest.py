"""One real Harbor (`harbor up --no-train`: action server + Rasa server) for all e2e tests,
on free ports, with its own SQLite database and var/ directory."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from bench.harbor_process import ROSTER, free_port
from harbor.core.gsm7 import is_gsm7
from harbor.core.settings import venv_executable

STARTUP_TIMEOUT = 300
ACK_TIMEOUT_SECONDS = 4
SUPERVISOR_TIMEOUT_SECONDS = 8



@dataclass
class FakeTwilio:
    process: subprocess.Popen
    url: str

    def messages(self) -> list[dict]:
        return requests.get(f"{self.url}/_fake/messages", timeout=5).json()["messages"]

    def requests_seen(self) -> list[dict]:
        return requests.get(f"{self.url}/_fake/messages", timeout=5).json()["requests"]

    def delay(self, seconds: float) -> None:
        requests.post(f"{self.url}/_fake/delay", json={"seconds": seconds}, timeout=5)


@contextmanager
def started_fake_twilio(project_root: Path) -> Iterator[FakeTwilio]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "tests.fakes.twilio_api", "--port", str(port)],
                               cwd=project_root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"{url}/_fake/messages", timeout=1)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("fake twilio did not start")
            time.sleep(0.2)
    yield FakeTwilio(process, url)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def fake_twilio(project_root: Path) -> Iterator[FakeTwilio]:
    with started_fake_twilio(project_root) as fake:
        yield fake


@dataclass
class RunningHarbor:
    process: subprocess.Popen
    rest_url: str
    rasa_url: str
    actions_url: str
    var_dir: Path
    output: list[str]
    env: dict
    console_url: str = ""
    said: list[str] = field(default_factory=list)  # every text sent as a user, for the log check

    @property
    def auth(self) -> dict[str, str]:
        """The REST channel's bearer token header."""
        return {"Authorization": f"Bearer {self.env['HARBOR_REST_TOKEN']}"}

    def sms_conversation(self, number: str) -> str:
        """The pseudonymous conversation id this Harbor gives an SMS number (its own id secret)."""
        from harbor.core import pseudonyms

        saved = os.environ.get("HARBOR_VAR_DIR")
        os.environ["HARBOR_VAR_DIR"] = str(self.var_dir)
        try:
            return pseudonyms.sms_conversation_id(number)
        finally:
            if saved is None:
                os.environ.pop("HARBOR_VAR_DIR", None)
            else:
                os.environ["HARBOR_VAR_DIR"] = saved

    def send(self, text: str, sender: str) -> list[dict]:
        self.said.append(text)
        response = requests.post(self.rest_url, json={"sender": sender, "message": text}, headers=self.auth,
                                 timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def texts(self, text: str, sender: str) -> list[str]:
        return [m.get("text", "") for m in self.send(text, sender)]


def _pump(stream, sink: list[str]) -> None:
    for line in iter(stream.readline, ""):
        sink.append(line)


def harbor_env(var_dir: Path, rasa_port: int, fake_twilio: FakeTwilio) -> dict:
    """The environment of one e2e Harbor: its own var/ and SQLite database, the fake Twilio, fast timers."""
    return {
        **os.environ,
        "HARBOR_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'harbor.db'}",
        "HARBOR_RASA_TOKEN": "e2e-" + uuid.uuid4().hex,
        "HARBOR_REST_TOKEN": "rest-" + uuid.uuid4().hex,
        "TWILIO_ACCOUNT_SID": "ACfake", "TWILIO_AUTH_TOKEN": "fake-token",
        "TWILIO_FROM_NUMBER": "+14155550000", "TWILIO_API_BASE_URL": fake_twilio.url,
        "HARBOR_ACK_TIMEOUT_SECONDS": str(ACK_TIMEOUT_SECONDS),
        "HARBOR_SUPERVISOR_TIMEOUT_SECONDS": str(SUPERVISOR_TIMEOUT_SECONDS),
        "HARBOR_PAGER_LEASE_SECONDS": "2",
        # The suite opens escalations faster than people do; storms are tested in tests/hotline/test_page_storm.py.
        "HARBOR_PAGE_STORM_PER_MINUTE": "1000",
        "HARBOR_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}",
        "HARBOR_QUICK_EXIT_URL": f"http://127.0.0.1:{rasa_port}/",
    }


def load_roster(env: dict) -> None:
    roster_file = Path(env["HARBOR_VAR_DIR"]) / "roster.yml"
    roster_file.write_text(ROSTER)
    loaded = subprocess.run([venv_executable("harbor"), "oncall", "load", str(roster_file)],
                            env=env, capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr


def launch(env: dict, project_root: Path, rasa_port: int) -> RunningHarbor:
    """`harbor up --no-train` with `env`, on `rasa_port` and free ports for the rest; returns once it is up."""
    actions_port, console_port, pager_port = free_port(), free_port(), free_port()
    process = subprocess.Popen(
        [venv_executable("harbor"), "up", "--no-train",
         "--port", str(rasa_port), "--actions-port", str(actions_port), "--console-port", str(console_port),
         "--pager-port", str(pager_port)],
        cwd=project_root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output: list[str] = []
    threading.Thread(target=_pump, args=(process.stdout, output), daemon=True).start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not any("Harbor is up." in line for line in output):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("harbor up did not start:\n" + "".join(output))
        time.sleep(0.5)
    return RunningHarbor(
        process=process,
        rest_url=f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        actions_url=f"http://127.0.0.1:{actions_port}",
        console_url=f"http://127.0.0.1:{console_port}",
        var_dir=Path(env["HARBOR_VAR_DIR"]),
        output=output,
        env=env,
    )


def shut_down(running: RunningHarbor) -> None:
    """Ctrl-C must stop everything cleanly: exit code 0 and both servers gone."""
    running.process.send_signal(signal.SIGINT)
    try:
        code = running.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        running.process.kill()
        pytest.fail("harbor up did not stop within 60 s of Ctrl-C")
    assert code == 0, "".join(running.output)
    with pytest.raises(requests.ConnectionError):
        requests.get(running.rasa_url, timeout=2)


@pytest.fixture(scope="session")
def harbor(trained_model: Path, tmp_path_factory: pytest.TempPathFactory, project_root: Path,
           fake_twilio: FakeTwilio) -> Iterator[RunningHarbor]:
    var_dir = tmp_path_factory.mktemp("harbor-var")
    rasa_port = free_port()
    env = harbor_env(var_dir, rasa_port, fake_twilio)
    load_roster(env)
    running = launch(env, project_root, rasa_port)
    yield running
    shut_down(running)


@pytest.fixture
def sender() -> str:
    return "test-" + uuid.uuid4().hex[:10]


def assert_sms_ready(texts: list[str]) -> None:
    for text in texts:
        assert len(text) <= 320, text
        assert is_gsm7(text), text


CHROMIUM = Path("/usr/bin/chromium")
# Flags for a closed network and running as root; no profile is kept between runs.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: apt-get install chromium (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


CONSOLE_PASSWORD = "a long console passphrase"


@pytest.fixture
def supervisor(harbor: RunningHarbor) -> dict:
    """A supervisor of the console's own for each test: a TOTP code works once, so two tests signing
    in as one person within the same 30 seconds would be refused, as a replay would be."""
    name = "sue" + uuid.uuid4().hex[:6]
    added = subprocess.run([venv_executable("harbor"), "users", "add", name, "--role", "supervisor",
                            "--password-stdin", "--json"], input=CONSOLE_PASSWORD + "\n", env=harbor.env,
                           capture_output=True, text=True, timeout=60)
    assert added.returncode == 0, added.stderr
    uri = re.search(r'"totp_uri": "([^"]+)"', added.stdout).group(1)
    return {"username": name, "secret": parse_qs(urlsplit(uri).query)["secret"][0]}
