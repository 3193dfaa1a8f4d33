"""Shared fixtures. Unit tests need nothing; e2e tests start the real servers once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

os.environ["RASA_TELEMETRY_ENABLED"] = "false"

from harbor.core.settings import MODEL_PATH, PROJECT_ROOT


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def domain() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())


@pytest.fixture(scope="session")
def responses(domain: dict) -> dict[str, str]:
    """Response name -> its default text (the variation without a condition or channel: English SMS)."""
    return {name: next(v for v in variations if not v.get("condition") and not v.get("channel"))["text"]
            for name, variations in domain["responses"].items()}


@pytest.fixture(scope="session")
def all_response_texts(domain: dict) -> dict[str, list[str]]:
    """Response name -> every text variation (roles, Spanish, channels)."""
    return {name: [v["text"] for v in variations] for name, variations in domain["responses"].items()}


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not MODEL_PATH.exists():
        pytest.fail(f"no trained model at {MODEL_PATH}: run `make train` (make test does it for you)")
    return MODEL_PATH


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite database and var/ directory (so its own secrets) for this test, as DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'harbor.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("HARBOR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("HARBOR_ID_SECRET", raising=False)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def hotline_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The hotline tests' database: the SQLite file `database(tmp_path)` makes, then PostgreSQL
    (emptied first; skipped with the reason where no server runs)."""
    from tests.hotline.support import database_url_for, sqlite_url

    return database_url_for(request.param) or sqlite_url(tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own: a SQLite file, then a PostgreSQL database created for this test and
    dropped after it (skipped with the reason where no server runs), so nothing shared is touched."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    from tests.scratch_postgres import scratch_postgres

    with scratch_postgres() as url:
        yield url
