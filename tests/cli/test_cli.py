"""The `harbor` command line: help everywhere, exit 2 with one line for bad input."""

from __future__ import annotations

import os
import subprocess

import pytest

from harbor.core.settings import venv_executable

HARBOR = venv_executable("harbor")


def harbor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([HARBOR, *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args", [["--help"], ["up", "--help"], ["train", "--help"], ["chat", "--help"]])
def test_help_everywhere(args):
    result = harbor(*args)
    assert result.returncode == 0
    assert "usage: harbor" in result.stdout


def test_top_level_help_lists_the_commands():
    out = harbor("--help").stdout
    for command in ("up", "train", "chat"):
        assert command in out


@pytest.mark.parametrize("args", [[], ["fly"], ["up", "--port", "seventy"], ["up", "--port", "70000"]])
def test_bad_input_exits_2_with_a_reason(args):
    result = harbor(*args)
    assert result.returncode == 2
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("harbor") and ": error:" in last_line
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("bad", ["soon", "0", "-2"])
def test_a_bad_restart_delay_stops_harbor_up_before_anything_starts(bad, tmp_path):
    env = {**os.environ, "HARBOR_RESTART_DELAY_SECONDS": bad, "HARBOR_VAR_DIR": str(tmp_path / "var")}
    result = subprocess.run([HARBOR, "up"], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2
    assert "HARBOR_RESTART_DELAY_SECONDS" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "var").exists()
