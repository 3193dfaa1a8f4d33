"""Rule 3 without the action server (channels/escalation_guard.py): after the bot handled a message,
the channel reads that message's risk from Rasa's real SQL tracker store and writes the escalation
the action would have written, once; a message that does not escalate writes nothing."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from rasa.core.tracker_store import AwaitableTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from channels.escalation_guard import ensure_escalated, latest_risk
from harbor.core.db import session_scope
from hotline.models import Escalation
from tests.hotline.support import database

CONVERSATION = "sms:" + "a" * 32
DANGER = {"level": "imminent", "escalates": True, "categories": ["imminent_danger"], "signals": []}
CALM = {"level": "none", "escalates": False, "categories": [], "signals": []}


def said(text: str, risk: dict) -> UserUttered:
    return UserUttered(text, {"name": "chitchat", "confidence": 1.0}, parse_data={"risk": risk})


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> AwaitableTrackerStore:
    database(tmp_path, url=db_url)
    # Rasa's own store on its own SQLite file, as endpoints.yml configures it (a full URL as host).
    return AwaitableTrackerStore(SQLTrackerStore(Domain.empty(), host=f"sqlite:///{tmp_path / 'rasa.db'}"))


async def save(store: AwaitableTrackerStore, *events) -> None:  # type: ignore[no-untyped-def]
    tracker = await store.retrieve(CONVERSATION) or DialogueStateTracker(CONVERSATION, [])
    for event in events:
        tracker.update(event)
    await store.save(tracker)


def open_escalations() -> list[int]:
    with session_scope() as session:
        return list(session.scalars(select(Escalation.id).where(Escalation.conversation_id == CONVERSATION)))


async def test_the_latest_message_risk_is_read_from_rasas_store(store: AwaitableTrackerStore):
    assert await latest_risk(store, CONVERSATION) is None
    await save(store, ActionExecuted("action_listen"), said("hi", CALM), BotUttered("Hi!"))
    assert await latest_risk(store, CONVERSATION) == CALM
    await save(store, said("he won't let me leave", DANGER), BotUttered("Are you safe?"),
               ActionExecuted("action_listen"))
    assert await latest_risk(store, CONVERSATION) == DANGER
    assert await latest_risk(store, "sms:" + "b" * 32) is None


async def test_an_escalating_message_the_action_missed_is_escalated_once(store: AwaitableTrackerStore):
    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=store)))
    await save(store, said("hi", CALM))
    await ensure_escalated(app, CONVERSATION, "sms")
    assert open_escalations() == []
    await save(store, said("he won't let me leave", DANGER))
    await ensure_escalated(app, CONVERSATION, "sms")
    await ensure_escalated(app, CONVERSATION, "sms")
    assert len(open_escalations()) == 1
