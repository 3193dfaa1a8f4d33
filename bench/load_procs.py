"""Process facts for bench/load.py, read from /proc (psutil is not a dependency): the memory of a
process tree, and the time from starting a server to its first reply."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

PROC = Path("/proc")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True)
class ProcessMemory:
    pid: int
    name: str
    rss_mib: float
    pss_mib: float | None  # the process's share of pages it shares: the sum of these does not double count


def _parent_of(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The name in parentheses may hold spaces: the fields after its closing parenthesis are fixed.
    return int(stat.rsplit(")", 1)[1].split()[1])


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            parent = _parent_of(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _name(pid: int) -> str:
    words = [a.decode(errors="replace") for a in (PROC / str(pid) / "cmdline").read_bytes().split(b"\0") if a]
    # "python -m bot.action_server --port N" and "python .../harbor console --port N": the module, or
    # the script and its command, say which process it is.
    if "-m" in words:
        return words[words.index("-m") + 1]
    if len(words) > 1 and Path(words[0]).name.startswith("python"):
        words = words[1:]
    shown = []
    for word in words:
        if word.startswith("-"):
            break
        shown.append(Path(word).name)
    return " ".join(shown) or Path(words[0]).name


def _kib(path: Path, field: str) -> int | None:
    for line in path.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def memory_of_tree(root: int) -> list[ProcessMemory]:
    found = []
    for pid in descendants(root):
        try:
            rss = _kib(PROC / str(pid) / "status", "VmRSS")
            try:
                pss = _kib(PROC / str(pid) / "smaps_rollup", "Pss")
            except OSError:  # older kernels, or not ours to read
                pss = None
            found.append(ProcessMemory(pid, _name(pid), (rss or 0) / 1024, pss / 1024 if pss is not None else None))
        except OSError:  # it ended while we looked
            continue
    return found


class FirstReplyProbe:
    """From a server's spawn to its first REST reply: a thread posts a greeting every POLL seconds
    until one comes back answered. Refused connections while the server loads cost nothing."""

    POLL = 0.2

    def __init__(self, url: str, spawned_at: float, token: str | None = None, timeout: float = 600) -> None:
        self.url, self.spawned_at, self.timeout = url, spawned_at, timeout
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.seconds: float | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while time.monotonic() - self.spawned_at < self.timeout:
            try:
                answer = requests.post(self.url, json={"sender": "cold-start", "message": "hi"},
                                       headers=self.headers, timeout=60)
                if answer.status_code == 200 and answer.json():
                    self.seconds = time.monotonic() - self.spawned_at
                    return
            except (requests.RequestException, ValueError):
                pass
            time.sleep(self.POLL)

    def result(self) -> float | None:
        self._thread.join(self.timeout)
        return self.seconds
