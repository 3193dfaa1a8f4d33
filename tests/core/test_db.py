"""The one database module: every table, whichever module declared it and whenever, exists on use."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, Integer, String, inspect, select

from harbor.core.db import Base, create_schema, engine_for, session_scope


def test_a_table_declared_after_the_first_use_is_created_on_the_next(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'harbor.db'}"
    with session_scope(url):
        pass  # the engine exists now, with every table declared so far

    class LateTable(Base):  # as a module imported later in the process would declare one
        __tablename__ = "test_late_table"
        id = Column(Integer, primary_key=True)
        note = Column(String(20))

    try:
        with session_scope(url) as session:
            session.add(LateTable(note="kept"))
        with session_scope(url) as session:
            assert session.scalar(select(LateTable.note)) == "kept"
    finally:
        Base.metadata.remove(LateTable.__table__)


def test_one_registry_holds_every_package_s_tables(tmp_path: Path):
    from channels.erasure import EraseRequest
    from channels.outreach import OutreachLink
    from channels.sms_store import InboxMessage
    from hotline.models import Escalation
    from resources_db.models import Service

    engine = engine_for(f"sqlite:///{tmp_path / 'harbor.db'}")
    create_schema(engine)
    tables = set(inspect(engine).get_table_names())
    assert {m.__tablename__ for m in (EraseRequest, OutreachLink, InboxMessage, Escalation, Service)} <= tables
