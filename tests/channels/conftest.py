"""Channel stores on a fresh SQLite database and var/ directory (their own secrets) per test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'harbor.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("HARBOR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("HARBOR_ID_SECRET", raising=False)
    return url


@pytest.fixture
def tracker_store(db_url: str, tmp_path: Path):
    """Rasa's own SQL tracker store on the same database, as the Rasa server uses it."""
    from rasa.core.tracker_store import SQLTrackerStore

    return SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "harbor.db"))
