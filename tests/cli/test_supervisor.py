"""What `harbor up` promises about its processes: Ctrl-C stops all of them cleanly; a child that
dies is restarted while the others keep running; only a crash loop gives up, naming the child and
its log; logs and run state are private to the user."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import free_port

HELPER = Path(__file__).parent / "supervise_http_servers.py"
PATIENCE_SECONDS = 60  # a guard against hanging forever, never an assertion about speed


@dataclass
class Supervised:
    process: subprocess.Popen
    ports: list[int]
    logs: Path
    output: list[str]

    def text(self) -> str:
        return "".join(self.output)

    def pids(self) -> dict[str, int]:
        state = json.loads((self.logs / "state.json").read_text())
        return {name: child["pid"] for name, child in state["children"].items()}

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + PATIENCE_SECONDS
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"gave up waiting for {what}; supervisor said:\n{self.text()}")
            time.sleep(0.1)


def _pump(stream, sink: list[str]) -> None:
    for line in iter(stream.readline, ""):
        sink.append(line)


def _supervise(tmp_path: Path, project_root: Path, *options: str) -> Iterator[Supervised]:
    ports = [free_port(), free_port()]
    process = subprocess.Popen(
        [sys.executable, str(HELPER), str(tmp_path), *map(str, ports), "--backoff", "0.1", *options],
        cwd=project_root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(project_root)},
    )
    output: list[str] = []
    threading.Thread(target=_pump, args=(process.stdout, output), daemon=True).start()
    supervised = Supervised(process, ports, tmp_path, output)
    supervised.wait_for(lambda: "READY\n" in output or process.poll() is not None, "READY")
    assert "READY\n" in output, supervised.text()
    yield supervised
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture
def supervised(tmp_path: Path, project_root: Path) -> Iterator[Supervised]:
    yield from _supervise(tmp_path, project_root)


@pytest.fixture
def supervised_flaky_b(tmp_path: Path, project_root: Path) -> Iterator[Supervised]:
    yield from _supervise(tmp_path, project_root, "--flaky-b", "--crash-loop", "3")


def _is_up(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def test_ctrl_c_stops_every_child_and_exits_0(supervised: Supervised):
    assert all(_is_up(p) for p in supervised.ports)
    supervised.process.send_signal(signal.SIGINT)
    assert supervised.process.wait(timeout=PATIENCE_SECONDS) == 0
    supervised.wait_for(lambda: "stopping server a\n" in supervised.output, "the last words")
    assert "stopping server b\n" in supervised.output
    assert not any(_is_up(p) for p in supervised.ports)


def test_a_killed_child_is_restarted_and_the_others_keep_running(supervised: Supervised):
    before = supervised.pids()
    os.kill(before["server a"], signal.SIGKILL)

    supervised.wait_for(lambda: "restarting server a" in supervised.text(), "the restart notice")
    assert (f"restarting server a in 0.1 s (it was killed by SIGKILL; see {supervised.logs / 'a.log'})"
            in supervised.text())
    supervised.wait_for(lambda: "server a is ready again\n" in supervised.output, "server a to answer again")
    assert _is_up(supervised.ports[0])
    after = supervised.pids()
    assert after["server a"] != before["server a"]
    assert after["server b"] == before["server b"]
    assert _is_up(supervised.ports[1])
    assert supervised.process.poll() is None

    # and Ctrl-C still stops everything with exit code 0
    supervised.process.send_signal(signal.SIGINT)
    assert supervised.process.wait(timeout=PATIENCE_SECONDS) == 0
    assert not any(_is_up(p) for p in supervised.ports)


def test_a_crash_loop_gives_up_naming_the_child_and_its_log(supervised_flaky_b: Supervised):
    supervised = supervised_flaky_b
    os.kill(supervised.pids()["server b"], signal.SIGKILL)  # from now on b dies at every start

    assert supervised.process.wait(timeout=PATIENCE_SECONDS) == 1
    text = supervised.text()
    assert "restarting server b in 0.1 s (it was killed by SIGKILL" in text
    assert "restarting server b in 0.2 s (it exited with code 3" in text
    assert (f"ERROR: server b died 3 times within 300 s (last: it exited with code 3); "
            f"see {supervised.logs / 'b.log'}. Giving up: stopping the rest.") in text
    assert "stopping server a" in text
    assert not _is_up(supervised.ports[0])
    assert "restart 2" in (supervised.logs / "b.log").read_text()  # the log marks each restart


def test_logs_and_run_state_are_private(tmp_path: Path, project_root: Path):
    logs = tmp_path / "var" / "log"
    logs.mkdir(parents=True)
    old_log = logs / "a.log"
    old_log.write_text("from before\n")
    old_log.chmod(0o644)  # written by an older Harbor
    for supervised in _supervise(logs, project_root):
        for log in (logs / "a.log", logs / "b.log", logs / "state.json"):
            assert stat.S_IMODE(log.stat().st_mode) == 0o600, log
        assert "from before" in old_log.read_text()
        supervised.process.send_signal(signal.SIGINT)
        assert supervised.process.wait(timeout=PATIENCE_SECONDS) == 0


def test_a_supervisor_killed_outright_takes_its_children_with_it(supervised: Supervised):
    """kill -9 of `harbor up` itself: no orphaned server keeps its port or pages on its own."""
    children = list(supervised.pids().values())
    supervised.process.kill()
    supervised.process.wait()

    def gone() -> bool:
        for pid in children:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                continue
            if _is_zombie(pid):
                continue
            return False
        return True

    supervised.wait_for(gone, "the children to stop after their supervisor died")


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True
