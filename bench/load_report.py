"""What bench/load.py prints: a row per target, the ratios against vanilla Rasa with the goals of
issue 13, memory and cold start; the same facts as one JSON object with --json."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.load_clients import Outcome
from bench.load_procs import ProcessMemory

THROUGHPUT_GOAL = 1.0  # Harbor's req/s at least vanilla's
P95_GOAL = 1.2  # Harbor's p95 at most 1.2x vanilla's
P95_GOAL_CLIENTS = 10  # the p95 goal is stated at 10 concurrent phones
MEMORY_GOAL_MIB = 1.5 * 1024
COLD_START_GOAL_SECONDS = 20.0


def percentile(values: list[float], q: float) -> float:
    """Nearest rank, as the other benches compute it."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


@dataclass(frozen=True)
class Row:
    target: str
    clients: int
    requests: int
    errors: dict[str, int]
    seconds: float
    throughput: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    notes: dict[str, float]

    @classmethod
    def of(cls, outcome: Outcome) -> Row:
        ms = {q: percentile(outcome.latencies, q) * 1000 if outcome.latencies else None for q in (50, 95, 99)}
        return cls(outcome.target, outcome.clients, len(outcome.latencies), dict(outcome.errors),
                   round(outcome.elapsed, 2), len(outcome.latencies) / outcome.elapsed if outcome.elapsed else 0.0,
                   ms[50], ms[95], ms[99], outcome.notes)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass(frozen=True)
class Verdict:
    name: str
    value: float | None
    goal: str
    met: bool | None  # None: could not be measured
    note: str = ""


@dataclass
class Report:
    clients: int
    seconds: float
    rows: list[Row]
    memory: list[ProcessMemory]
    cold_start_seconds: float | None
    vanilla_cold_start_seconds: float | None
    vanilla_memory: list[ProcessMemory]
    vanilla_train: dict[str, object]
    verdicts: list[Verdict] = field(default_factory=list)

    def judge(self) -> None:
        vanilla, harbor_rows = self.rows[0], self.rows[1:]
        at_goal = "" if self.clients == P95_GOAL_CLIENTS else f"stated at {P95_GOAL_CLIENTS} clients"
        for row in harbor_rows:
            speed = row.throughput / vanilla.throughput if vanilla.throughput else None
            p95 = row.p95_ms / vanilla.p95_ms if row.p95_ms and vanilla.p95_ms else None
            self.verdicts += [
                Verdict(f"{row.target} throughput", speed, f">= {THROUGHPUT_GOAL:.1f}x vanilla",
                        None if speed is None else speed >= THROUGHPUT_GOAL),
                Verdict(f"{row.target} p95", p95, f"<= {P95_GOAL:.1f}x vanilla",
                        None if p95 is None else p95 <= P95_GOAL, at_goal),
                Verdict(f"{row.target} errors", row.error_count, "0", row.error_count == 0),
            ]
        rss = self.rss_mib
        self.verdicts.append(Verdict("Harbor RSS after load", rss, f"<= {MEMORY_GOAL_MIB:.0f} MiB",
                                     None if rss is None else rss <= MEMORY_GOAL_MIB))
        cold = self.cold_start_seconds
        self.verdicts.append(Verdict("harbor up --no-train to first reply", cold,
                                     f"<= {COLD_START_GOAL_SECONDS:.0f} s",
                                     None if cold is None else cold <= COLD_START_GOAL_SECONDS))

    @property
    def rss_mib(self) -> float | None:
        return sum(p.rss_mib for p in self.memory) if self.memory else None

    def as_json(self) -> dict[str, object]:
        return {
            "clients": self.clients, "seconds": self.seconds,
            "targets": [row.__dict__ for row in self.rows],
            "memory": {"harbor_rss_mib": self.rss_mib,
                       "harbor_pss_mib": _sum_pss(self.memory),
                       "harbor_processes": [p.__dict__ for p in self.memory],
                       "vanilla_rss_mib": sum(p.rss_mib for p in self.vanilla_memory) or None},
            "cold_start_seconds": {"harbor": self.cold_start_seconds, "vanilla": self.vanilla_cold_start_seconds},
            "vanilla_model": self.vanilla_train,
            "goals": [v.__dict__ for v in self.verdicts],
            "all_goals_met": all(v.met for v in self.verdicts),
        }

    def as_text(self) -> str:
        lines = [f"{self.clients} phone(s) per target, {self.seconds:g} s each; one reply per message",
                 "",
                 f"{'target':<18} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"]
        for row in self.rows:
            lines.append(f"{row.target:<18} {row.requests:>8} {row.throughput:>7.2f} {_ms(row.p50_ms)} "
                         f"{_ms(row.p95_ms)} {_ms(row.p99_ms)} {row.error_count:>6}")
        for row in self.rows:
            if row.errors:
                lines.append(f"  {row.target} errors: " + ", ".join(f"{k} x{v}" for k, v in row.errors.items()))
            if "extra_sms" in row.notes:
                lines.append(f"  {row.target}: webhook answered in {row.notes['webhook_ack_mean_ms']:.0f} ms on "
                             f"average; {row.notes['extra_sms']:.0f} SMS beyond one per message")
        lines += ["", "against vanilla Rasa (issue 13 goals):"]
        for verdict in self.verdicts:
            lines.append(f"  {verdict.name:<38} {_value(verdict):>10}   goal {verdict.goal:<18} {_met(verdict)}"
                         + (f" ({verdict.note})" if verdict.note else ""))
        lines += ["", f"memory after load: Harbor {_mib(self.rss_mib)} RSS summed over {len(self.memory)} "
                      f"process(es) (PSS {_mib(_sum_pss(self.memory))}); vanilla rasa run "
                      f"{_mib(sum(p.rss_mib for p in self.vanilla_memory) or None)}"]
        for process in sorted(self.memory, key=lambda p: -p.rss_mib):
            lines.append(f"  {process.name:<32} {process.rss_mib:>7.0f} MiB")
        lines.append(f"cold start to first reply: harbor up --no-train {_s(self.cold_start_seconds)}, "
                     f"vanilla rasa run {_s(self.vanilla_cold_start_seconds)}")
        train = self.vanilla_train
        lines.append(f"vanilla model: Rasa {train['rasa_version']}, `rasa init` + training took "
                     f"{train['train_seconds']:.0f} s" + (" (cached from an earlier run)" if train["cached"] else ""))
        return "\n".join(lines)


def _sum_pss(memory: list[ProcessMemory]) -> float | None:
    shares = [p.pss_mib for p in memory]
    return sum(s for s in shares if s is not None) if shares and None not in shares else None


def _ms(value: float | None) -> str:
    return f"{value:>8.0f}" if value is not None else f"{'-':>8}"


def _mib(value: float | None) -> str:
    return f"{value:.0f} MiB" if value is not None else "not measured"


def _s(value: float | None) -> str:
    return f"{value:.1f} s" if value is not None else "no reply"


def _value(verdict: Verdict) -> str:
    if verdict.value is None:
        return "-"
    if "x vanilla" in verdict.goal:
        return f"{verdict.value:.2f}x"
    if "MiB" in verdict.goal:
        return f"{verdict.value:.0f} MiB"
    if verdict.goal.endswith(" s"):
        return f"{verdict.value:.1f} s"
    return f"{verdict.value:.0f}"


def _met(verdict: Verdict) -> str:
    return {True: "met", False: "NOT met", None: "not measured"}[verdict.met]
