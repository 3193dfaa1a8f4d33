"""Hotline settings from the environment, with the defaults the issue names."""

from __future__ import annotations

import os
from dataclasses import dataclass


class ConfigError(ValueError):
    """A hotline setting in the environment that cannot be used; the message names it."""


@dataclass(frozen=True)
class HotlineConfig:
    console_url: str
    ack_timeout_seconds: float
    supervisor_timeout_seconds: float
    poll_seconds: float
    max_send_attempts: int
    lease_seconds: float
    # More new escalations than this in a rolling 60 s is a page storm: later ones are written
    # but their pages are held, and the supervisor gets one alert (hotline/escalations.py).
    page_storm_per_minute: int = 20

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
            page_storm_per_minute=_positive_int("HARBOR_PAGE_STORM_PER_MINUTE", "20"),
        )


def _positive_int(name: str, default: str) -> int:
    raw = os.environ.get(name, default)
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number of escalations, not {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, not {value}")
    return value
