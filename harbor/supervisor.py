"""Start Harbor's processes, wait until each answers, watch them, and stop them together.

Each child runs in its own session so a terminal's Ctrl-C reaches only this supervisor,
which then stops the children in reverse start order. A child that exits on its own is
reported with its exit status and log file, and the others are stopped: a half-running
crisis line is worse than a stopped one that says so.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import requests

STOP_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.5
PROGRESS_EVERY_SECONDS = 15.0


@dataclass
class Child:
    name: str
    command: list[str]
    ready_url: str | None  # None: ready once it has stayed up for a moment (no HTTP to ask)
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None
    _started_at: float | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env={**os.environ, **self.env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._started_at = time.monotonic()

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def is_ready(self) -> bool:
        if self.ready_url is None:
            return self._started_at is not None and time.monotonic() - self._started_at > 1.0
        try:
            return requests.get(self.ready_url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self._close_log()
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


class ChildFailed(RuntimeError):
    def __init__(self, child: Child, code: int) -> None:
        super().__init__(f"{child.name} {describe_exit(code)}; see {child.log_path}")
        self.child = child
        self.code = code


class Supervisor:
    def __init__(self, children: list[Child], say: Callable[[str], None], state_file: Path) -> None:
        self.children = children
        self.say = say
        self.state_file = state_file
        self._stop_requested = False

    def request_stop(self, *_: object) -> None:
        self._stop_requested = True

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)

    def start(self, ready_timeout: float) -> None:
        """Start every child in order, each only once the one before it answers."""
        for child in self.children:
            self.say(f"starting {child.name} (log: {child.log_path})")
            child.start()
            self._wait_ready(child, ready_timeout)
            self.say(f"{child.name} is ready")
        self._write_state()

    def _wait_ready(self, child: Child, timeout: float) -> None:
        started = time.monotonic()
        deadline = started + timeout
        next_progress = started + PROGRESS_EVERY_SECONDS
        while not child.is_ready():
            if time.monotonic() > next_progress:
                self.say(f"still starting {child.name} ({time.monotonic() - started:.0f} s)...")
                next_progress += PROGRESS_EVERY_SECONDS
            code = child.exit_code()
            if code is not None:
                raise ChildFailed(child, code)
            if self._stop_requested:
                raise KeyboardInterrupt
            if time.monotonic() > deadline:
                raise TimeoutError(f"{child.name} did not answer {child.ready_url} within {timeout:.0f} s; "
                                   f"see {child.log_path}")
            time.sleep(POLL_SECONDS)

    def watch(self) -> int:
        """Block until Ctrl-C/SIGTERM (returns 0) or a child dies (returns 1)."""
        while not self._stop_requested:
            for child in self.children:
                code = child.exit_code()
                if code is not None:
                    self.say(f"ERROR: {child.name} {describe_exit(code)}; see {child.log_path}. "
                             "Stopping the rest.")
                    return 1
            time.sleep(POLL_SECONDS)
        self.say("stopping (Ctrl-C received)")
        return 0

    def stop(self) -> None:
        for child in reversed(self.children):
            if child.process is not None and child.exit_code() is None:
                self.say(f"stopping {child.name}")
            child.stop()
        self.state_file.unlink(missing_ok=True)

    def _write_state(self) -> None:
        state = {
            "supervisor_pid": os.getpid(),
            "children": {
                c.name: {"pid": c.process.pid if c.process else None, "ready_url": c.ready_url}
                for c in self.children
            },
        }
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(json.dumps(state, indent=2))
