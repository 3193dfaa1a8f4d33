"""Channel stores on the fresh SQLite database and var/ directory of `db_url` (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def tracker_store(db_url: str, tmp_path: Path):
    """Rasa's own SQL tracker store on the same database, as the Rasa server uses it."""
    from rasa.core.tracker_store import SQLTrackerStore

    return SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "harbor.db"))
