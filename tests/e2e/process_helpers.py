"""Look at a running `harbor up` from outside, the way an operator would with ps, ss and kill:
its process tree, their command lines, their listening sockets, var/run/harbor.json.

`restart_rasa_by_kill(harbor)` is for any e2e test that needs the Rasa server to crash and come
back (about 60-90 s while it loads TensorFlow and the model)."""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import requests

RESTART_PATIENCE_SECONDS = 300  # a guard against waiting forever, not a promise about speed
TCP_LISTEN = "0A"


def run_state(harbor) -> dict:
    """var/run/harbor.json of the running harbor (pids, ready URLs, logs)."""
    return json.loads((Path(harbor.var_dir) / "run" / "harbor.json").read_text())


def child_pid(harbor, name: str) -> int:
    return run_state(harbor)["children"][name]["pid"]


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (children, grandchildren ...)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # comm may hold spaces and parentheses: the fields after the last ")" are safe to split
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def harbor_pids(harbor) -> list[int]:
    """The `harbor up` process and everything it started."""
    return [harbor.process.pid, *descendants(harbor.process.pid)]


def command_line(pid: int) -> str:
    """What `ps` shows for `pid` (arguments joined by spaces); empty if it is gone."""
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@dataclass(frozen=True)
class Listening:
    pid: int
    address: str
    port: int

    @property
    def loopback(self) -> bool:
        ip = ipaddress.ip_address(self.address)
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        return ip.is_loopback


def _decode_address(hex_address: str) -> str:
    # /proc/net/tcp{,6} print the address as 32-bit words in host (little-endian) byte order.
    raw = bytes.fromhex(hex_address)
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(words))


def _listening_inodes() -> dict[str, tuple[str, int]]:
    inodes = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] != TCP_LISTEN:
                continue
            address, port = fields[1].split(":")
            inodes[fields[9]] = (_decode_address(address), int(port, 16))
    return inodes


def listening_sockets(pids: list[int]) -> list[Listening]:
    """Every TCP socket in LISTEN state held open by one of `pids`."""
    inodes = _listening_inodes()
    found = []
    for pid in pids:
        try:
            fds = list((Path("/proc") / str(pid) / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                address, port = inodes[target[8:-1]]
                found.append(Listening(pid, address, port))
    return found


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def restart_rasa_by_kill(harbor) -> int:
    """kill -9 the Rasa server of a running harbor, wait until the supervisor has restarted it and
    it answers again; return its new pid. Fails the test if that does not happen."""
    import pytest

    old_pid = child_pid(harbor, "rasa server")
    ready_again_before = sum("rasa server is ready again" in line for line in harbor.output)
    os.kill(old_pid, signal.SIGKILL)
    deadline = time.monotonic() + RESTART_PATIENCE_SECONDS
    while True:
        ready_again = sum("rasa server is ready again" in line for line in harbor.output)
        if ready_again > ready_again_before and _answers(f"{harbor.rasa_url}/"):
            new_pid = child_pid(harbor, "rasa server")
            assert new_pid != old_pid
            return new_pid
        if harbor.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail("the Rasa server did not come back after kill -9:\n" + "".join(harbor.output[-30:]))
        time.sleep(1)
