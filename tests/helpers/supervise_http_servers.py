"""Runs harbor.supervisor.Supervisor over two tiny HTTP servers, so tests can send it a real
Ctrl-C or kill one child and watch what a user of `harbor up` would see."""

from __future__ import annotations

import sys
from pathlib import Path

from harbor.supervisor import Child, ChildFailed, Supervisor


def main(log_dir: str, port_a: str, port_b: str) -> int:
    logs = Path(log_dir)
    children = [
        Child(name=f"server {name}", command=[sys.executable, "-m", "http.server", port, "-b", "127.0.0.1"],
              ready_url=f"http://127.0.0.1:{port}/", log_path=logs / f"{name}.log", cwd=logs)
        for name, port in (("a", port_a), ("b", port_b))
    ]
    supervisor = Supervisor(children, lambda m: print(m, flush=True), logs / "state.json")
    supervisor.install_signal_handlers()
    try:
        supervisor.start(ready_timeout=30)
        print("READY", flush=True)
        return supervisor.watch()
    except ChildFailed as failure:
        print(f"ERROR: {failure}", flush=True)
        return 1
    finally:
        supervisor.stop()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
