"""The baseline for bench/load.py: Rasa's own default project (`rasa init`), trained once per Rasa
version and kept under var/bench/, served by a plain `rasa run --enable-api` with Rasa's default
in-memory tracker store and REST channel. Nothing of Harbor runs in it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from bench.harbor_process import free_port, interrupt, wait_http
from harbor.core.settings import var_dir, venv_executable

RASA = venv_executable("rasa")
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
READY_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class VanillaProject:
    directory: Path
    model: Path
    rasa_version: str
    train_seconds: float
    cached: bool


@dataclass(frozen=True)
class VanillaServer:
    rest_url: str
    pid: int
    spawned_at: float  # time.monotonic() just before `rasa run` was started


def cache_dir() -> Path:
    # Keyed by the Rasa version: a model trained by another version may not load, or not compare.
    return var_dir() / "bench" / f"vanilla-rasa-{version('rasa')}"


def prepared_project() -> VanillaProject:
    """The cached default project, or a new one (`rasa init --no-prompt` creates it and trains it)."""
    cached = cache_dir()
    meta = cached / "bench.json"
    if meta.exists():
        facts = json.loads(meta.read_text())
        return VanillaProject(cached, cached / facts["model"], facts["rasa_version"], facts["train_seconds"], True)
    scratch = Path(tempfile.mkdtemp(prefix="vanilla-rasa-"))
    print(f"creating and training Rasa's default project in {scratch} (once per Rasa version)...", file=sys.stderr)
    started = time.monotonic()
    # --no-prompt trains too: `rasa init` answers its own "train an initial model?" with yes.
    made = subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(scratch)], cwd=scratch, env=ENV,
                          capture_output=True, text=True)
    train_seconds = time.monotonic() - started
    models = sorted((scratch / "models").glob("*.tar.gz"))
    if made.returncode != 0 or not models:
        raise SystemExit(f"bench: `rasa init` failed ({made.returncode}): {made.stderr[-2000:]}")
    facts = {"model": str(models[-1].relative_to(scratch)), "rasa_version": version("rasa"),
             "train_seconds": round(train_seconds, 1), "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    (scratch / "bench.json").write_text(json.dumps(facts, indent=2))
    cached.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(cached, ignore_errors=True)  # a half-written cache from an interrupted run
    shutil.move(str(scratch), cached)
    return VanillaProject(cached, cached / facts["model"], facts["rasa_version"], train_seconds, False)


@contextmanager
def started_vanilla(project: VanillaProject, on_spawn: Callable[[VanillaServer], None] | None = None,
                    ) -> Iterator[VanillaServer]:
    port = free_port()
    log = (project.directory / "rasa-run.log").open("w")
    server = VanillaServer(f"http://127.0.0.1:{port}/webhooks/rest/webhook", 0, time.monotonic())
    # No --endpoints: no tracker store configured means Rasa's InMemoryTrackerStore, no lock store
    # means its in-memory one; the default project's credentials.yml enables the REST channel.
    process = subprocess.Popen([RASA, "run", "--enable-api", "-i", "127.0.0.1", "--port", str(port), "--model",
                                str(project.model), "--credentials", "credentials.yml"],
                               cwd=project.directory, env=ENV, stdout=log, stderr=subprocess.STDOUT)
    server = VanillaServer(server.rest_url, process.pid, server.spawned_at)
    if on_spawn is not None:
        on_spawn(server)
    try:
        wait_http(f"http://127.0.0.1:{port}/", READY_TIMEOUT_SECONDS)
        yield server
    finally:
        interrupt(process)
        log.close()
