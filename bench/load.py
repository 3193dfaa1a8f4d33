"""Load on a whole Harbor against vanilla Rasa (issue 13, "Production").

N simulated phones, each a distinct sender that sends a message, waits for its reply and sends the
next, for T seconds, against three targets one after the other (never at once: they share the CPU):

  vanilla REST   Rasa's default project (`rasa init`, trained once per Rasa version and cached
                 under var/bench/), `rasa run --enable-api`, in-memory tracker store: the baseline;
  Harbor REST    `harbor up --no-train` (bench/harbor_process.py: fresh SQLite database, fake
                 Twilio, on-call roster), POST /webhooks/rest/webhook with its bearer token;
  Harbor SMS     the same Harbor, POST /webhooks/sms/webhook signed as Twilio signs; the reply
                 is timed until it reaches the local fake Twilio API.

Every target gets the same small talk ("hi", "bye", ...) and the same untimed warm-up first.
Printed: requests, throughput, p50/p95/p99 reply latency and errors per target; Harbor's ratios
to vanilla against the goals (throughput >= 1.0x, p95 <= 1.2x at 10 phones, 0 errors); the RSS
summed over Harbor's processes after the load (goal <= 1.5 GiB); and the cold start of
`harbor up --no-train` to its first reply (goal <= 20 s), beside `rasa run`'s. Progress goes
to stderr. The bench reports; it does not fail when a goal is missed.

    .venv/bin/python -m bench.load [--clients 10] [--seconds 20] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable

import aiohttp

from bench.harbor_process import BenchHarbor, started_harbor
from bench.load_clients import Outcome, TurnFailed, run_rest, run_sms
from bench.load_procs import FirstReplyProbe, ProcessMemory, memory_of_tree
from bench.load_report import Report, Row
from bench.load_vanilla import VanillaServer, prepared_project, started_vanilla

SMS_WEBHOOK_PATH = "/webhooks/sms/webhook"


def progress(text: str) -> None:
    print(f"load: {text}", file=sys.stderr, flush=True)


def finished(outcome: Outcome) -> Outcome:
    progress(f"{outcome.target}: {len(outcome.latencies)} replies, {sum(outcome.errors.values())} errors "
             f"in {outcome.elapsed:.1f} s")
    return outcome


def measure_vanilla(args: argparse.Namespace) -> tuple[Outcome, float | None, list[ProcessMemory], dict[str, object]]:
    project = prepared_project()
    probes: list[FirstReplyProbe] = []

    def probe(server: VanillaServer) -> None:
        probes.append(FirstReplyProbe(server.rest_url, server.spawned_at))

    progress(f"starting vanilla `rasa run` (model {project.model.name})...")
    with started_vanilla(project, on_spawn=probe) as server:
        cold = probes[0].result()
        progress(f"vanilla answered {cold:.1f} s after its start" if cold else "vanilla never answered")
        progress(f"vanilla REST: {args.clients} phones for {args.seconds:g} s...")
        outcome = finished(asyncio.run(run_rest("vanilla REST", server.rest_url, None, args.clients,
                                                args.seconds, args.warmup)))
        memory = memory_of_tree(server.pid)
    train = {"rasa_version": project.rasa_version, "train_seconds": project.train_seconds, "cached": project.cached}
    return outcome, cold, memory, train


def measure_harbor(args: argparse.Namespace) -> tuple[list[Outcome], float | None, list[ProcessMemory]]:
    probes: list[FirstReplyProbe] = []

    def probe(harbor: BenchHarbor) -> None:
        probes.append(FirstReplyProbe(harbor.rest_url, harbor.spawned_at, token=harbor.rest_token))

    with started_harbor(on_spawn=probe) as harbor:
        cold = probes[0].result()
        progress(f"Harbor answered {cold:.1f} s after `harbor up` started" if cold else "Harbor never answered")
        progress(f"Harbor REST: {args.clients} phones for {args.seconds:g} s...")
        rest = finished(asyncio.run(run_rest("Harbor REST", harbor.rest_url, harbor.rest_token, args.clients,
                                             args.seconds, args.warmup)))
        progress(f"Harbor SMS: {args.clients} phones for {args.seconds:g} s...")
        webhook = harbor.env["HARBOR_PUBLIC_URL"] + SMS_WEBHOOK_PATH
        sms = finished(asyncio.run(run_sms("Harbor SMS", webhook, harbor.env["TWILIO_AUTH_TOKEN"],
                                           harbor.fake_twilio_url, args.clients, args.seconds, args.warmup)))
        memory = memory_of_tree(harbor.pid)
    return [rest, sms], cold, memory


def positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
        return value

    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=positive(int), default=10, help="simulated phones per target (10)")
    parser.add_argument("--seconds", type=positive(float), default=20.0, help="how long each target is loaded (20)")
    parser.add_argument("--warmup", type=int, default=6, help="untimed messages to each target first (6)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the tables")
    args = parser.parse_args(argv)
    try:
        vanilla, vanilla_cold, vanilla_memory, train = measure_vanilla(args)
        harbor_outcomes, cold, memory = measure_harbor(args)
    except (TurnFailed, aiohttp.ClientError, asyncio.TimeoutError) as failure:
        # Only the warm-up raises (the timed phones count their failures): a target that cannot answer at all.
        print(f"load: a warm-up message failed ({failure!r}); see the server's log", file=sys.stderr)
        return 1
    report = Report(args.clients, args.seconds, [Row.of(o) for o in (vanilla, *harbor_outcomes)], memory, cold,
                    vanilla_cold, vanilla_memory, train)
    report.judge()
    print(json.dumps(report.as_json(), indent=2) if args.json else report.as_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
