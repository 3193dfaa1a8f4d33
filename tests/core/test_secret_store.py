"""Secrets are generated once, privately, and every process that races to create one gets the same."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from harbor.core.secret_store import private_dir

RACE = "from harbor.core.secret_store import secret; print(secret('rest_token'))"


def test_processes_racing_for_a_new_secret_all_get_the_same_one(tmp_path: Path, project_root: Path):
    env = {**os.environ, "HARBOR_VAR_DIR": str(tmp_path / "var")}
    env.pop("HARBOR_REST_TOKEN", None)
    racers = [subprocess.Popen([sys.executable, "-c", RACE], cwd=project_root, env=env, stdout=subprocess.PIPE,
                               text=True) for _ in range(8)]
    tokens = {racer.communicate(timeout=120)[0].strip() for racer in racers}
    assert len(tokens) == 1 and len(tokens.pop()) >= 40
    secrets_dir = tmp_path / "var" / "secrets"
    assert [p.name for p in secrets_dir.iterdir()] == ["rest_token"]  # no temp files left behind
    assert stat.S_IMODE(secrets_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((secrets_dir / "rest_token").stat().st_mode) == 0o600


def test_a_shared_directory_is_refused_not_locked_down(tmp_path: Path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    with pytest.raises(PermissionError, match="shared directory"):
        private_dir(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
