"""Start Harbor's processes, wait until each answers, keep them running, and stop them together.

Guarantees:
- Each child runs in its own session, so a terminal's Ctrl-C reaches only this supervisor,
  which then stops the children in reverse start order (and `watch` returns 0).
- A child that dies after startup is restarted, alone: the others keep running (a crashed
  Rasa server must not take the pager down with it). The delay doubles with each death of that
  child inside the crash-loop window (1, 2, 4 ... capped at 60 s), and each restart is said out
  loud with the reason and the child's log file.
- Only a crash loop gives up: `crash_loop_deaths` deaths of one child within
  `crash_loop_window` seconds make `watch` return 1 after naming the child and its log.
- A child that fails while `start` brings everything up is not retried: that is almost always
  configuration (a port in use, a missing model), and the operator is at the terminal.
- Logs and the state file are created readable by this user only (files 0600, folders 0700).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import requests

STOP_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.5
PROGRESS_EVERY_SECONDS = 15.0
# A child without a ready URL counts as started once it has stayed up this long.
SETTLE_SECONDS = 1.0


def _private_parent(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)


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

    def start(self, note: str | None = None) -> None:
        """Start the process, appending its output to `log_path` (created 0600, tightened if older)."""
        self._close_log()
        _private_parent(self.log_path)
        fd = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)  # a log from before this rule may still be world-readable
        self._log = os.fdopen(fd, "ab")
        if note:
            # Whoever reads the log sees where one run ends and the next begins, and why.
            self._log.write(f"\n--- harbor: {note} ---\n".encode())
            self._log.flush()
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env={**os.environ, **self.env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self._started_at = time.monotonic()

    def exit_code(self) -> int | None:
        """None while running; else the exit status (negative: killed by that signal).

        When it finds the process dead it also kills whatever the process left in its group
        (a worker still holding the port would make every restart fail). That happens while the
        dead leader is still an unreaped zombie, so its pid, the group id, cannot have been reused.
        """
        if self.process is None:
            return None
        if self.process.returncode is not None:
            return self.process.returncode
        try:
            dead = os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return self.process.poll()
        if dead is None:
            return None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        code = self.process.wait()
        self._close_log()
        return code

    def is_ready(self) -> bool:
        if self.ready_url is None:
            return self._started_at is not None and time.monotonic() - self._started_at > SETTLE_SECONDS
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


def _die_with_parent() -> None:
    """In the child, before exec: if the supervisor itself dies (even by kill -9), the kernel sends
    this child SIGTERM, so no orphaned server keeps a port or pages on its own. Linux only."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: Ctrl-C and SIGTERM still stop the children through the supervisor


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


@dataclass
class _Life:
    """What the supervisor remembers about one child between polls."""

    deaths: deque[float] = field(default_factory=deque)
    restart_at: float | None = None  # dead, waiting out its backoff
    restarted_at: float | None = None  # restarted, not answering yet
    restarts: int = 0


class Supervisor:
    def __init__(
        self,
        children: list[Child],
        say: Callable[[str], None],
        state_file: Path,
        *,
        backoff_initial: float = 1.0,
        backoff_max: float = 60.0,
        crash_loop_deaths: int = 5,
        crash_loop_window: float = 300.0,
    ) -> None:
        self.children = children
        self.say = say
        self.state_file = state_file
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.crash_loop_deaths = crash_loop_deaths
        self.crash_loop_window = crash_loop_window
        self._lives = {child.name: _Life() for child in children}
        self._ready_timeout = 0.0
        self._stop_requested = False

    def request_stop(self, *_: object) -> None:
        self._stop_requested = True

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)

    def start(self, ready_timeout: float) -> None:
        """Start every child in order, each only once the one before it answers.

        Raises ChildFailed if one exits first, TimeoutError if one does not answer in time, and
        KeyboardInterrupt on Ctrl-C/SIGTERM meanwhile. `ready_timeout` also bounds restarts.
        """
        self._ready_timeout = ready_timeout
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
        """Keep the children running until Ctrl-C/SIGTERM (returns 0) or a crash loop (returns 1)."""
        while not self._stop_requested:
            for child in self.children:
                if not self._tend(child):
                    return 1
            time.sleep(POLL_SECONDS)
        self.say("stopping (Ctrl-C received)")
        return 0

    def _tend(self, child: Child) -> bool:
        """One look at one child: restart it when its backoff is over, notice a death or a restart
        that answers. False means it is crash-looping and the supervisor gives up."""
        life = self._lives[child.name]
        now = time.monotonic()
        if life.restart_at is not None:
            if now >= life.restart_at:
                life.restart_at = None
                life.restarted_at = now
                life.restarts += 1
                child.start(note=f"restart {life.restarts}")
                self._write_state()
            return True
        code = child.exit_code()
        if code is not None:
            return self._died(child, describe_exit(code))
        if life.restarted_at is not None:
            if child.is_ready():
                life.restarted_at = None
                self.say(f"{child.name} is ready again")
            elif now - life.restarted_at > self._ready_timeout:
                child.stop()
                return self._died(child, f"did not answer {child.ready_url} within {self._ready_timeout:.0f} s")
        return True

    def _died(self, child: Child, how: str) -> bool:
        life = self._lives[child.name]
        now = time.monotonic()
        life.restarted_at = None
        life.deaths.append(now)
        while life.deaths and now - life.deaths[0] > self.crash_loop_window:
            life.deaths.popleft()
        if len(life.deaths) >= self.crash_loop_deaths:
            self.say(f"ERROR: {child.name} died {len(life.deaths)} times within {self.crash_loop_window:g} s "
                     f"(last: it {how}); see {child.log_path}. Giving up: stopping the rest.")
            return False
        delay = min(self.backoff_max, self.backoff_initial * 2 ** (len(life.deaths) - 1))
        self.say(f"restarting {child.name} in {delay:g} s (it {how}; see {child.log_path})")
        life.restart_at = now + delay
        return True

    def stop(self) -> None:
        for child in reversed(self.children):
            if child.process is not None and child.exit_code() is None:
                self.say(f"stopping {child.name}")
            child.stop()
        self.state_file.unlink(missing_ok=True)

    def _write_state(self) -> None:
        """var/run/harbor.json: pids and ready URLs (never a secret), replaced atomically, 0600."""
        state = {
            "supervisor_pid": os.getpid(),
            "children": {
                c.name: {"pid": c.process.pid if c.process else None, "ready_url": c.ready_url,
                         "log": str(c.log_path), "restarts": self._lives[c.name].restarts}
                for c in self.children
            },
        }
        _private_parent(self.state_file)
        partial = self.state_file.with_name(self.state_file.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(json.dumps(state, indent=2))
        os.replace(partial, self.state_file)
