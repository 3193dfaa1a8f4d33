"""Setup finds Python 3.10 or says exactly what to do."""

from __future__ import annotations

import subprocess

from harbor.core.settings import PROJECT_ROOT

FIND = PROJECT_ROOT / "scripts" / "find_python310.sh"


def test_without_python_310_the_message_says_what_to_do(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(["bash", str(FIND)], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert "Python 3.10 not found" in result.stderr
    assert "pyenv install 3.10" in result.stderr
    assert "HARBOR_PYTHON=" in result.stderr


def test_a_wrong_harbor_python_is_named(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HARBOR_PYTHON": "/nowhere/python"}
    result = subprocess.run(["bash", str(FIND)], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert "HARBOR_PYTHON=/nowhere/python is not a working Python 3.10" in result.stderr


def test_the_python_found_is_310():
    found = subprocess.run(["bash", str(FIND)], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    version = subprocess.run([found.stdout.strip(), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("Python 3.10")
