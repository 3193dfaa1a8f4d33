"""`harbor users`: console accounts from the command line, as an admin sets up a hotline."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from harbor.core.settings import venv_executable

HARBOR = venv_executable("harbor")


def _harbor(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "HARBOR_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}"}
    return subprocess.run([HARBOR, *args], input=stdin, env=env, capture_output=True, text=True, timeout=60)


def test_add_list_passwd_and_disable(tmp_path: Path):
    added = _harbor(tmp_path, "users", "add", "Dana", "--role", "admin", "--password-stdin", "--json",
                    stdin="correct horse battery\n")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["totp_uri"].startswith("otpauth://totp/")
    assert _harbor(tmp_path, "users", "add", "sam", "--password-stdin", stdin="correct horse battery\n").returncode == 0
    listed = json.loads(_harbor(tmp_path, "users", "list", "--json").stdout)
    assert [(u["username"], u["role"], u["second_factor"]) for u in listed] == [
        ("dana", "admin", True), ("sam", "advocate", False)]
    assert _harbor(tmp_path, "users", "passwd", "sam", "--password-stdin", stdin="another passphrase\n").returncode == 0
    assert _harbor(tmp_path, "users", "disable", "sam").returncode == 0
    assert json.loads(_harbor(tmp_path, "users", "list", "--json").stdout)[1]["disabled"] is True


def test_mistakes_are_bad_input_with_the_reason(tmp_path: Path):
    short = _harbor(tmp_path, "users", "add", "sam", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "12 characters" in short.stderr
    unknown = _harbor(tmp_path, "users", "disable", "nobody")
    assert unknown.returncode == 2 and "no console user named 'nobody'" in unknown.stderr
    no_terminal = _harbor(tmp_path, "users", "add", "sam")
    assert no_terminal.returncode == 2 and "--password-stdin" in no_terminal.stderr
