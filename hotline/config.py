"""Hotline settings from the environment, with the defaults the issue names."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class HotlineConfig:
    console_url: str
    ack_timeout_seconds: float
    supervisor_timeout_seconds: float
    poll_seconds: float
    max_send_attempts: int
    lease_seconds: float

    @classmethod
    def from_env(cls) -> HotlineConfig:
        env = os.environ.get
        return cls(
            console_url=env("HARBOR_CONSOLE_URL", "http://127.0.0.1:8088").rstrip("/"),
            # No ACK in N minutes: page again and page the backup (default 3 minutes).
            ack_timeout_seconds=float(env("HARBOR_ACK_TIMEOUT_SECONDS", "180")),
            # No ACK after M minutes: page the supervisor (default 10 minutes).
            supervisor_timeout_seconds=float(env("HARBOR_SUPERVISOR_TIMEOUT_SECONDS", "600")),
            poll_seconds=float(env("HARBOR_PAGER_POLL_SECONDS", "0.2")),
            max_send_attempts=int(env("HARBOR_PAGER_MAX_ATTEMPTS", "8")),
            lease_seconds=float(env("HARBOR_PAGER_LEASE_SECONDS", "30")),
        )
