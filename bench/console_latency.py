"""From a risky message arriving to its row appearing in an advocate's console queue, in a real
browser: starts Harbor (`harbor up --no-train`, fake Twilio, roster), signs a supervisor in to the
console in headless Chromium (Debian's, through Playwright), sends N risky messages to the REST
webhook (each its own conversation) and times each until its row is on the open queue page, which
updates over server-sent events (no reload). Baseline in the same run: the bot's own reply to the
same message (the REST round trip). Goal (issue 12): p99 < 1 s.

    .venv/bin/python -m bench.console_latency [--count 40]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pyotp
import requests

from bench.harbor_process import BenchHarbor, started_harbor
from harbor.core.settings import venv_executable

RISKY = ["he wont let me leave", "i want to kill myself", "he keeps all the money i make",
         "my stepdad hits me", "he has a gun"]
PASSWORD = "a bench console passphrase"
CHROMIUM = "/usr/bin/chromium"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def supervisor(harbor: BenchHarbor) -> str:
    added = subprocess.run([venv_executable("harbor"), "users", "add", "bench", "--role", "supervisor",
                            "--password-stdin", "--json"], input=PASSWORD + "\n", env=harbor.env,
                           capture_output=True, text=True, check=True)
    return parse_qs(urlsplit(re.search(r'"totp_uri": "([^"]+)"', added.stdout).group(1)).query)["secret"][0]


def describe(name: str, values: list[float]) -> str:
    return (f"{name:<28} n={len(values):<4} p50 {statistics.median(values) * 1000:7.0f} ms  "
            f"p95 {percentile(values, 95) * 1000:7.0f} ms  p99 {percentile(values, 99) * 1000:7.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3, help="untimed messages first (model and caches warm up)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    to_queue: list[float] = []
    bot_reply: list[float] = []
    with started_harbor() as harbor, sync_playwright() as playwright:
        secret = supervisor(harbor)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        console = browser.new_page()
        console.goto(f"{harbor.console_url}/login")
        console.get_by_label("User name").fill("bench")
        console.get_by_label("Password").fill(PASSWORD)
        console.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
        console.get_by_role("button", name="Sign in").click()
        console.wait_for_function("() => document.querySelector('#live').textContent === 'Live.'")
        rest = requests.Session()
        rest.headers["Authorization"] = f"Bearer {harbor.rest_token}"
        for n in range(args.warmup):
            rest.post(harbor.rest_url, json={"sender": f"warmup-{n}", "message": RISKY[n % len(RISKY)]}, timeout=60)
        for n in range(args.count):
            count = console.locator("#queue tbody tr").count()
            started = time.monotonic()
            reply = rest.post(harbor.rest_url, json={"sender": f"bench-{uuid.uuid4().hex}",
                                                     "message": RISKY[n % len(RISKY)]}, timeout=60)
            replied = time.monotonic()
            reply.raise_for_status()
            console.wait_for_function(f"() => document.querySelectorAll('#queue tbody tr').length > {count}",
                                      timeout=30000, polling=5)
            to_queue.append(time.monotonic() - started)
            bot_reply.append(replied - started)
            print(f"\r{n + 1}/{args.count}", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        browser.close()
    print(describe("bot's reply (baseline)", bot_reply))
    print(describe("row in the console queue", to_queue))
    ratio = percentile(to_queue, 99) / percentile(bot_reply, 99)
    print(f"queue p99 / reply p99: {ratio:.2f}x; goal p99 < 1000 ms: "
          f"{'met' if percentile(to_queue, 99) < 1.0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
