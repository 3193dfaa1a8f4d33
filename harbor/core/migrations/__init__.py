"""Harbor's schema migrations (Alembic): env.py and versions/, run through harbor/core/schema.py.

They live in the core, beside db.py, because every process must reach the newest schema without
importing the packages that declare the tables: a revision spells its tables out instead of
importing models, so this package imports nothing of Harbor outside harbor.core.
"""
