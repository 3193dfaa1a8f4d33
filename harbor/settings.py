"""Where things live and what the environment configures. Secrets come only from the environment
or from files under var/ (ignored by git)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def var_dir() -> Path:
    return Path(os.environ.get("HARBOR_VAR_DIR", PROJECT_ROOT / "var"))


MODELS_DIR = PROJECT_ROOT / "bot" / "models"
MODEL_NAME = "harbor"
MODEL_PATH = MODELS_DIR / f"{MODEL_NAME}.tar.gz"


def default_database_url() -> str:
    return f"sqlite:///{var_dir() / 'harbor.db'}"


def rasa_auth_token() -> str:
    """HARBOR_RASA_TOKEN, else a token generated once and kept in var/secrets (mode 600)."""
    from harbor.secret_store import secret

    return secret("rasa_token")


def rest_token() -> str:
    """HARBOR_REST_TOKEN, else generated once into var/secrets: the REST channel's bearer token."""
    from harbor.secret_store import secret

    return secret("rest_token")


@dataclass(frozen=True)
class ServerSettings:
    host: str
    rasa_port: int
    actions_port: int
    database_url: str

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}/webhook"

    @property
    def rest_webhook_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"


def server_settings(rasa_port: int | None = None, actions_port: int | None = None) -> ServerSettings:
    return ServerSettings(
        host=os.environ.get("HARBOR_HOST", "127.0.0.1"),
        rasa_port=rasa_port or int(os.environ.get("HARBOR_RASA_PORT", "5005")),
        actions_port=actions_port or int(os.environ.get("HARBOR_ACTIONS_PORT", "5055")),
        database_url=os.environ.get("DATABASE_URL") or default_database_url(),
    )
