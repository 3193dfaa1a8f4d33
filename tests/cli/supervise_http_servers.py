"""Runs harbor.cli.supervisor.Supervisor over two tiny HTTP servers, so tests can send it a real
Ctrl-C or kill one child and watch what a user of `harbor up` would see.

    supervise_http_servers.py LOG_DIR PORT_A PORT_B [--backoff S] [--crash-loop N] [--flaky-b]

--flaky-b makes server b serve on its first start only and exit with code 3 at once on every
later start: a child that crash-loops after a restart.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harbor.cli.supervisor import Child, ChildFailed, Supervisor

FLAKY_SERVER = """
import http.server, os, sys
port, marker = int(sys.argv[1]), sys.argv[2]
if os.path.exists(marker):
    sys.exit(3)
open(marker, "w").close()
http.server.ThreadingHTTPServer(("127.0.0.1", port), http.server.SimpleHTTPRequestHandler).serve_forever()
"""


def _command(name: str, port: str, logs: Path, flaky: bool) -> list[str]:
    if flaky:
        return [sys.executable, "-c", FLAKY_SERVER, port, str(logs / f"{name}.started")]
    return [sys.executable, "-m", "http.server", port, "-b", "127.0.0.1"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("log_dir", type=Path)
    parser.add_argument("ports", nargs=2)
    parser.add_argument("--backoff", type=float, default=1.0, help="first restart delay")
    parser.add_argument("--crash-loop", type=int, default=5, help="deaths within the window that give up")
    parser.add_argument("--flaky-b", action="store_true")
    args = parser.parse_args(argv)
    logs: Path = args.log_dir
    children = [
        Child(name=f"server {name}", command=_command(name, port, logs, flaky=args.flaky_b and name == "b"),
              ready_url=f"http://127.0.0.1:{port}/", log_path=logs / f"{name}.log", cwd=logs)
        for name, port in zip(("a", "b"), args.ports, strict=True)
    ]
    supervisor = Supervisor(children, lambda m: print(m, flush=True), logs / "state.json",
                            backoff_initial=args.backoff, backoff_max=max(args.backoff, 1.0),
                            crash_loop_deaths=args.crash_loop, crash_loop_window=300.0)
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
    sys.exit(main(sys.argv[1:]))
