"""Alembic's entry point for Harbor, run by harbor/core/schema.py and never on its own (no alembic.ini).

The caller opens the connection, takes the migration lock and begins the transaction; here Alembic
only joins it, so adopting an old database, the upgrade and the version row commit together or not
at all. Batch mode lets later revisions alter columns on SQLite, which cannot ALTER most things.
"""

from __future__ import annotations

from alembic import context

from harbor.core.schema import is_harbor_object

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("Harbor's migrations run through harbor.core.schema on an open connection (harbor db upgrade)")

context.configure(
    connection=connection,
    target_metadata=context.config.attributes.get("target_metadata"),
    include_object=is_harbor_object,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
