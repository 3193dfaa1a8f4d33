"""What `harbor up` promises about its processes: Ctrl-C stops all of them cleanly, and a child
that dies is reported by name and the rest are stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import free_port

HELPER = Path(__file__).parent / "helpers" / "supervise_http_servers.py"


@pytest.fixture
def supervised(tmp_path: Path, project_root: Path):
    ports = [free_port(), free_port()]
    process = subprocess.Popen(
        [sys.executable, str(HELPER), str(tmp_path), *map(str, ports)], cwd=project_root,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(project_root)},
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.strip() == "READY":
            break
    assert lines and lines[-1].strip() == "READY", "".join(lines)
    yield process, ports, tmp_path
    if process.poll() is None:
        process.kill()


def _is_up(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def test_ctrl_c_stops_every_child_and_exits_0(supervised):
    process, ports, _ = supervised
    assert all(_is_up(p) for p in ports)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "stopping server b" in output and "stopping server a" in output
    assert not any(_is_up(p) for p in ports)


def test_a_crashed_child_is_reported_and_the_rest_stopped(supervised):
    process, ports, tmp_path = supervised
    state = json.loads((tmp_path / "state.json").read_text())
    os.kill(state["children"]["server a"]["pid"], signal.SIGKILL)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "server a was killed by SIGKILL" in output
    assert str(tmp_path / "a.log") in output
    time.sleep(0.5)
    assert not _is_up(ports[1])
