"""How fast the hotline answers, per day and level: time to acknowledge, time to the first advocate
message, and the share acknowledged within the level's target. Counts and seconds only: no message
text, no conversation id."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harbor.core.risk_levels import rank
from hotline.models import Escalation
from hotline.takeover import AdvocateMessage


@dataclass(frozen=True)
class DayFigures:
    day: str
    level: str
    escalations: int
    acknowledged: int
    median_seconds_to_acknowledge: int | None
    median_seconds_to_first_message: int | None
    share_within_target: float | None  # of all escalations that day and level

    def as_dict(self) -> dict:
        return asdict(self)


def _median(values: list[float]) -> int | None:
    return int(statistics.median(values)) if values else None


def daily(session: Session, targets: dict[str, int], since: datetime | None = None) -> list[DayFigures]:
    first_message = dict(session.execute(select(AdvocateMessage.escalation_id, func.min(AdvocateMessage.created_at))
                                         .group_by(AdvocateMessage.escalation_id)).all())
    query = select(Escalation.id, Escalation.level, Escalation.created_at, Escalation.acknowledged_at)
    if since is not None:
        query = query.where(Escalation.created_at >= since)
    groups: dict[tuple[str, str], list[tuple[int, datetime, datetime | None]]] = defaultdict(list)
    for escalation_id, level, created, acknowledged in session.execute(query):
        groups[(created.strftime("%Y-%m-%d"), level)].append((escalation_id, created, acknowledged))
    rows = []
    for (day, level), items in groups.items():
        to_ack = [(ack - created).total_seconds() for _, created, ack in items if ack]
        to_message = [(first_message[i] - created).total_seconds() for i, created, _ in items if i in first_message]
        target = targets.get(level)
        within = sum(1 for seconds in to_ack if target is not None and seconds <= target)
        rows.append(DayFigures(day, level, len(items), len(to_ack), _median(to_ack), _median(to_message),
                               round(within / len(items), 3) if target is not None else None))
    return sorted(rows, key=lambda r: (r.day, -rank(r.level)), reverse=False)
