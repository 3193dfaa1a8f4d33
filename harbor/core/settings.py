"""Where things live and what the environment configures: the one place Harbor reads its settings.
Secrets come only from the environment or from files under var/ (ignored by git)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def var_dir() -> Path:
    return Path(os.environ.get("HARBOR_VAR_DIR", PROJECT_ROOT / "var"))


def venv_executable(name: str) -> str:
    """A console script installed next to this Python (rasa, harbor): the same virtualenv, never PATH."""
    return str(Path(sys.executable).with_name(name))


# What the bot says, Rasa domain format; the channels read their own few texts from it too.
DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
# The vetted crisis lines (each with its source); the console's canned replies come from it too.
CRISIS_LINES_FILE = PROJECT_ROOT / "bot" / "crisis_lines.yml"
MODELS_DIR = PROJECT_ROOT / "bot" / "models"
MODEL_NAME = "harbor"
MODEL_PATH = MODELS_DIR / f"{MODEL_NAME}.tar.gz"


def default_database_url() -> str:
    return f"sqlite:///{var_dir() / 'harbor.db'}"


def database_url() -> str:
    """DATABASE_URL, or the embedded SQLite file under var/ (a fresh machine needs nothing)."""
    return os.environ.get("DATABASE_URL") or default_database_url()


def test_postgres_url() -> str:
    """The PostgreSQL database the tests and benches may empty and fill (HARBOR_TEST_POSTGRES_URL)."""
    return os.environ.get("HARBOR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


# PostgreSQL refuses connections past max_connections (default 100, of which 3 are kept for
# superusers). Each replica runs 5 pools: Harbor's engine in the Rasa server, action server, pager and
# console, plus Rasa's own tracker store engine in the Rasa server, which harbor/cli/rasa_server.py
# bounds with the same two numbers. At most pool_size + max_overflow connections each:
# 5 pools x (3 + 2) = 25 per replica, so 3 replicas hold at most 75, leaving 22 for `harbor` commands,
# migrations, backups and psql. More replicas: lower these, or raise max_connections (or add PgBouncer).
DEFAULT_DB_POOL_SIZE = 3
DEFAULT_DB_MAX_OVERFLOW = 2


def db_pool_size() -> int:
    """HARBOR_DB_POOL_SIZE: connections each process keeps open to PostgreSQL (not used for SQLite)."""
    return _whole_number("HARBOR_DB_POOL_SIZE", DEFAULT_DB_POOL_SIZE, minimum=1)


def db_pool_max_overflow() -> int:
    """HARBOR_DB_MAX_OVERFLOW: connections a process may open beyond its pool under load, closed after use."""
    return _whole_number("HARBOR_DB_MAX_OVERFLOW", DEFAULT_DB_MAX_OVERFLOW, minimum=0)


def _whole_number(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise BadSetting(f"{name} must be a whole number of connections, not {raw!r}") from None
    if value < minimum:
        raise BadSetting(f"{name} must be at least {minimum}, not {value}")
    return value


def redis_url() -> str:
    """REDIS_URL: when set, replicas share Rasa's conversation locks in Redis (empty: one process, in memory)."""
    return os.environ.get("REDIS_URL", "").strip()


def public_url() -> str:
    """HARBOR_PUBLIC_URL without a trailing slash: the base Twilio posts to and chat links use;
    empty when unset (SMS then cannot verify signatures, so `harbor up` refuses Twilio without it)."""
    return os.environ.get("HARBOR_PUBLIC_URL", "").strip().rstrip("/")


class BadSetting(ValueError):
    """A setting from the environment (or a flag standing in for it) that cannot be used; the message names it."""


DEFAULT_RETENTION_DAYS = 30


def retention_days(value: str | None = None) -> float:
    """Days a conversation is kept after its last message: `value`, else HARBOR_RETENTION_DAYS, else 30."""
    raw = value if value is not None else os.environ.get("HARBOR_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS))
    try:
        days = float(raw)
    except ValueError:
        raise BadSetting(f"retention must be a number of days, not {raw!r}") from None
    if days <= 0:
        raise BadSetting(f"retention must be more than 0 days, not {raw}")
    return days


def rasa_auth_token() -> str:
    """HARBOR_RASA_TOKEN, else a token generated once and kept in var/secrets (mode 600)."""
    from harbor.core.secret_store import secret

    return secret("rasa_token")


def rest_token() -> str:
    """HARBOR_REST_TOKEN, else generated once into var/secrets: the REST channel's bearer token."""
    from harbor.core.secret_store import secret

    return secret("rest_token")


@dataclass(frozen=True)
class ServerSettings:
    host: str
    rasa_port: int
    actions_port: int
    database_url: str
    console_port: int = 8088
    pager_port: int = 5056

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}/webhook"

    @property
    def console_local_url(self) -> str:
        return f"http://{self.host}:{self.console_port}"

    @property
    def pager_local_url(self) -> str:
        return f"http://{self.host}:{self.pager_port}"

    @property
    def rest_webhook_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"


def server_settings(rasa_port: int | None = None, actions_port: int | None = None,
                    console_port: int | None = None, pager_port: int | None = None) -> ServerSettings:
    return ServerSettings(
        host=os.environ.get("HARBOR_HOST", "127.0.0.1"),
        rasa_port=rasa_port or int(os.environ.get("HARBOR_RASA_PORT", "5005")),
        actions_port=actions_port or int(os.environ.get("HARBOR_ACTIONS_PORT", "5055")),
        database_url=database_url(),
        console_port=console_port or int(os.environ.get("HARBOR_CONSOLE_PORT", "8088")),
        # The pager's only HTTP: /health, /health/ready and /metrics.
        pager_port=pager_port or int(os.environ.get("HARBOR_PAGER_PORT", "5056")),
    )


def trusted_proxies() -> frozenset[str]:
    """Addresses of the reverse proxies in front of the console (HARBOR_TRUSTED_PROXIES, comma-separated):
    only from them is X-Forwarded-For believed, so sign-in limits count the real client."""
    return frozenset(a.strip() for a in os.environ.get("HARBOR_TRUSTED_PROXIES", "").split(",") if a.strip())


def urgent_cap() -> int:
    """How many high or imminent conversations one advocate may hold at once (HARBOR_MAX_URGENT_PER_ADVOCATE)."""
    return _positive_int("HARBOR_MAX_URGENT_PER_ADVOCATE", "3", "conversations")


def restart_delay_seconds() -> int:
    """How long `harbor up` waits before restarting a process that died the first time; it doubles with each
    death within five minutes (HARBOR_RESTART_DELAY_SECONDS, like systemd's RestartSec)."""
    return _positive_int("HARBOR_RESTART_DELAY_SECONDS", "1", "seconds")


def answer_targets() -> dict[str, int]:
    """Seconds within which the console expects each level answered (HARBOR_ANSWER_TARGET_<LEVEL>_SECONDS)."""
    defaults = {"imminent": "60", "high": "300", "concern": "900"}
    return {level: _positive_int(f"HARBOR_ANSWER_TARGET_{level.upper()}_SECONDS", default, "seconds")
            for level, default in defaults.items()}


DEFAULT_QUICK_EXIT_URL = "https://www.weather.gov/"


def quick_exit_url() -> str:
    """Where the web chat's Quick exit button goes (HARBOR_QUICK_EXIT_URL): a page nobody would wonder about."""
    return os.environ.get("HARBOR_QUICK_EXIT_URL", DEFAULT_QUICK_EXIT_URL)


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    from_number: str
    messaging_service_sid: str
    api_base_url: str

    @classmethod
    def from_env(cls) -> TwilioSettings:
        env = os.environ.get
        return cls(env("TWILIO_ACCOUNT_SID", ""), env("TWILIO_AUTH_TOKEN", ""),
                   env("TWILIO_FROM_NUMBER", ""), env("TWILIO_MESSAGING_SERVICE_SID", ""),
                   env("TWILIO_API_BASE_URL", ""))

    @property
    def configured(self) -> bool:
        return bool(self.account_sid and self.auth_token and (self.from_number or self.messaging_service_sid))


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
    # Seconds within which each level should be answered: an unacknowledged escalation past its
    # target is paged again (primary and backup) even before the ack timeout.
    answer_targets: dict[str, int] = field(default_factory=lambda: {"imminent": 60, "high": 300, "concern": 900})

    def first_repage_seconds(self, level: str) -> float:
        return min(self.ack_timeout_seconds, self.answer_targets.get(level, self.ack_timeout_seconds))

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
            answer_targets=answer_targets(),
        )


def _positive_int(name: str, default: str, unit: str = "escalations") -> int:
    raw = os.environ.get(name, default)
    try:
        value = int(raw.strip())
    except ValueError:
        raise BadSetting(f"{name} must be a whole number of {unit}, not {raw!r}") from None
    if value < 1:
        raise BadSetting(f"{name} must be at least 1, not {value}")
    return value
