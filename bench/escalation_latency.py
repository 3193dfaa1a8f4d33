"""From the inbound webhook request to the page's request reaching a local fake Twilio API.

Starts a real Harbor (`harbor up --no-train`) with the fake Twilio and an on-call roster, sends
N risky messages (each its own conversation) to the REST webhook, and measures, per escalation,
the time from sending the request to the fake receiving the page. Baseline in the same run:
the round trip of a plain, non-risky message. Goal: p99 < 1 s.

    .venv/bin/python -m bench.escalation_latency [--count 200]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time

import requests

from harbor.core.settings import PROJECT_ROOT, venv_executable

HARBOR = venv_executable("harbor")
RISKY = ["he wont let me leave", "i want to kill myself", "he keeps all the money i make",
         "my stepdad hits me", "he has a gun"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--baseline", type=int, default=30, help="plain messages for the baseline")
    args = parser.parse_args(argv)
    if not (PROJECT_ROOT / "bot" / "models" / "harbor.tar.gz").exists():
        print("escalation_latency: no trained model; run `make train`", file=sys.stderr)
        return 2

    from bench.harbor_process import started_harbor

    # Hundreds of risky messages a minute is the point here, not a storm to hold pages for.
    with started_harbor({"HARBOR_PAGE_STORM_PER_MINUTE": "100000"}) as running:
        auth = {"Authorization": f"Bearer {running.rest_token}"}
        rest = running.rest_url
        requests.post(rest, json={"sender": "warmup", "message": "hi"}, timeout=60, headers=auth)

        plain = []
        for n in range(args.baseline):
            started = time.time()
            requests.post(rest, json={"sender": f"plain-{n}", "message": "what can you do"}, timeout=60, headers=auth)
            plain.append(time.time() - started)

        sent_at: dict[str, float] = {}
        for n in range(args.count):
            sender = f"bench-{n}"
            sent_at[sender] = time.time()
            requests.post(rest, json={"sender": sender, "message": RISKY[n % len(RISKY)]}, timeout=60, headers=auth)
            if n % 50 == 49:
                print(f"  {n + 1}/{args.count} risky messages sent", file=sys.stderr)

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pages = requests.get(f"{running.fake_twilio_url}/_fake/messages", timeout=10).json()["messages"]
            if len(pages) >= args.count:
                break
            time.sleep(0.5)
        listed = subprocess.run([HARBOR, "escalations", "list", "--json"], env=running.env, capture_output=True,
                                text=True, check=True)
        conversation_of = {e["id"]: e["conversation_id"] for e in json.loads(listed.stdout)}
        latencies = []
        for page in pages:
            match = re.search(r"ESC-(\d+)", page["body"])
            conversation = conversation_of.get(int(match.group(1))) if match else None
            sender = conversation.removeprefix("rest:") if conversation else None
            if sender in sent_at:
                latencies.append(page["received_at"] - sent_at.pop(sender))
        missing = len(sent_at)

    base_p50 = statistics.median(plain)
    print(f"plain reply round trip (baseline, n={len(plain)}): p50 {base_p50 * 1000:.0f} ms, "
          f"p99 {percentile(plain, 99) * 1000:.0f} ms")
    if not latencies:
        print("no pages arrived")
        return 1
    p50, p99 = statistics.median(latencies), percentile(latencies, 99)
    print(f"webhook -> page at fake Twilio (n={len(latencies)}, missing {missing}): "
          f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
    print(f"ratios to the plain-reply p50: p50 {p50 / base_p50:.2f}x, p99 {p99 / base_p50:.2f}x")
    print(f"goal p99 < 1000 ms: {'met' if p99 < 1.0 and not missing else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
