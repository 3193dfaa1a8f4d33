"""Harbor's Prometheus metrics: what is counted, under which names, and with which labels.

Each process (Rasa server, action server, pager, console) counts what happens in it into this
module's REGISTRY and serves it at its own /metrics: there is no shared state between processes
and Prometheus scrapes each one.

Labels come only from small fixed sets (a channel name, a risk level, an outcome): never message
text, a phone number or a conversation id. `label()` maps anything else to "other", so a caller
that passes a surprise value cannot put personal data, or an unbounded number of series, in here.

Events written to the database are counted with `on_commit`: an escalation whose transaction
rolled back was never opened, and must not be counted as if it had been.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.process_collector import ProcessCollector
from sqlalchemy import event
from sqlalchemy.orm import Session

from harbor.core.risk_levels import ESCALATING_LEVELS

REGISTRY = CollectorRegistry(auto_describe=True)
# Memory, CPU and open files of this process: the first thing to look at when one misbehaves.
ProcessCollector(registry=REGISTRY)

CHANNELS = ("sms", "web", "rest")
REPLY_OUTCOMES = ("sent", "opted_out", "no_number", "failed")
DELIVERY_KINDS = ("sms_reply", "page", "sms_status")
PAGE_KINDS = ("first", "repage", "storm_alert")
LEVELS = tuple(ESCALATING_LEVELS)

MESSAGES = Counter("harbor_messages_received", "Messages received from people, by channel",
                   ["channel"], registry=REGISTRY)
REPLIES = Counter("harbor_replies", "Messages sent to people (the bot's or an advocate's), by channel and outcome: "
                  "sent, opted_out (held back after STOP), no_number (erased), failed",
                  ["channel", "outcome"], registry=REGISTRY)
ESCALATIONS = Counter("harbor_escalations_opened", "Escalations opened, by risk level", ["level"], registry=REGISTRY)
PAGE_LATENCY = Histogram(
    "harbor_page_latency_seconds",
    "From a page being written to the provider accepting it; for kind=first that is from the escalation "
    "being created to its first page going out",
    ["kind"], buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800), registry=REGISTRY)
TIME_TO_ACK = Histogram(
    "harbor_time_to_ack_seconds", "From an escalation being created to an advocate acknowledging it, by level",
    ["level"], buckets=(15, 30, 60, 120, 180, 300, 600, 900, 1800, 3600, 7200), registry=REGISTRY)
OPT_OUTS = Counter("harbor_sms_opt_outs", "STOP (and its synonyms) received by SMS", registry=REGISTRY)
DELIVERY_FAILURES = Counter(
    "harbor_delivery_failures",
    "Messages the provider did not deliver: sms_reply (given up on), page (failed for good), sms_status "
    "(a delivery callback reporting failed or undelivered)", ["kind"], registry=REGISTRY)
INBOX_DEPTH = Gauge("harbor_sms_inbox_depth", "SMS messages accepted but not yet handled by the bot "
                    "(read from the database when scraped; NaN when it could not be read)", registry=REGISTRY)


def label(value: str | None, allowed: Iterable[str]) -> str:
    """`value` if it is one of `allowed`, else "other": a label never carries anything but a known word."""
    return value if value is not None and value in tuple(allowed) else "other"


def channel_label(input_channel: str | None) -> str:
    """A Rasa input channel's name as a label; "socketio" is the web chat."""
    return label("web" if input_channel == "socketio" else input_channel, CHANNELS)


def render() -> tuple[bytes, str]:
    """This process's metrics in Prometheus' text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


_ON_COMMIT = "harbor_metrics_on_commit"


def on_commit(session: Session, count: Callable[[], None]) -> None:
    """Run `count` once `session`'s transaction commits; forget it if the transaction rolls back."""
    session.info.setdefault(_ON_COMMIT, []).append(count)


@event.listens_for(Session, "after_commit")
def _count_committed(session: Session) -> None:
    for count in session.info.pop(_ON_COMMIT, []):
        count()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_ON_COMMIT, None)
