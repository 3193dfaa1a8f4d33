"""Metric labels only ever carry known words, and database events count only once committed."""

from __future__ import annotations

from sqlalchemy import text

from harbor.core.db import session_factory, session_scope
from harbor.core.metrics import CHANNELS, MESSAGES, channel_label, label, on_commit, render


def test_a_label_outside_its_set_becomes_other():
    assert label("+15105550199", CHANNELS) == "other"
    assert label("sms:3f9a0c", CHANNELS) == "other"
    assert label(None, CHANNELS) == "other"
    assert channel_label("socketio") == "web" and channel_label("sms") == "sms" and channel_label("rest") == "rest"


def test_on_commit_counts_after_the_commit_and_forgets_a_rollback(db_url):
    counted: list[str] = []
    with session_scope() as session:
        session.execute(text("SELECT 1"))
        on_commit(session, lambda: counted.append("committed"))
        assert counted == []
    assert counted == ["committed"]
    session = session_factory()()
    try:
        session.execute(text("SELECT 1"))
        on_commit(session, lambda: counted.append("rolled back"))
        session.rollback()  # the write failed: what it would have counted never happened
        session.execute(text("SELECT 1"))
        session.commit()  # a later transaction on the same session does not count it either
    finally:
        session.close()
    assert counted == ["committed"]


def test_the_page_is_prometheus_text_with_harbor_names():
    MESSAGES.labels("web").inc()
    body, content_type = render()
    assert content_type.startswith("text/plain; version=")
    assert b'harbor_messages_received_total{channel="web"}' in body
    assert b"process_resident_memory_bytes" in body
