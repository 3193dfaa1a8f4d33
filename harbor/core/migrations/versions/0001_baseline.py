"""Baseline: Harbor's whole schema as the models declared it, and create_all made it, before migrations.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-01

Creates all 31 tables (hotline, console, pager heartbeat, channels, resource directory) with their indexes and
constraints, from frozen copies of the models (harbor/core/migrations/baseline_*.py), never the
models themselves. Rasa's `events` table is Rasa's own: it is not here. A database create_all made
before migrations is checked against `schema()` and stamped with this revision instead of running it
(harbor/core/schema.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from harbor.core.migrations import baseline_directory, baseline_harbor

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def schema() -> sa.MetaData:
    metadata = sa.MetaData()
    baseline_harbor.add_tables(metadata)
    baseline_directory.add_tables(metadata)
    return metadata


def upgrade() -> None:
    # Table by table in dependency order, as create_all did: identical DDL on SQLite and PostgreSQL.
    schema().create_all(op.get_bind(), checkfirst=False)


def downgrade() -> None:
    schema().drop_all(op.get_bind(), checkfirst=False)
