"""What every channel does with a youth's message: the bot answers, unless an advocate holds the
conversation; then it is only recorded and scored, whatever the message says ("/restart" too)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.handoff import pass_on
from harbor.core.db import session_scope
from hotline import takeover
from hotline.console.casework import claim
from hotline.escalations import open_or_update
from hotline.models import Escalation
from tests.hotline.support import config, database

CONVERSATION = "web:" + "e" * 32


class RecordingAgent:
    """Stands in for Rasa's Agent: records what the channel asked of it. The real path runs in
    tests/e2e/test_console_takeover.py."""

    def __init__(self, risk: dict) -> None:
        self.logged: list[str] = []
        self.risk = risk
        self.tracker_store = SimpleNamespace(retrieve=self._retrieve)

    async def log_message(self, message: UserMessage):  # type: ignore[no-untyped-def]
        self.logged.append(message.text)
        return SimpleNamespace(latest_message=SimpleNamespace(parse_data={"risk": self.risk}))

    async def _retrieve(self, _conversation_id: str) -> None:
        return None


@pytest.fixture
def escalation_id(db_url: str, tmp_path: Path) -> int:
    database(tmp_path, url=db_url)
    with session_scope() as session:
        opened = open_or_update(session, CONVERSATION, "socketio", "high", ["abuse"], config(), datetime.utcnow())
        claim(session, opened.escalation_id, "sam", datetime.utcnow())
    return opened.escalation_id


def _message(text: str) -> UserMessage:
    return UserMessage(text, CollectingOutputChannel(), CONVERSATION, input_channel="socketio")


async def test_a_held_conversation_is_recorded_and_scored_but_never_answered(escalation_id: int):
    with session_scope() as session:
        takeover.take_over(session, escalation_id, "sam", datetime.utcnow())
    agent = RecordingAgent({"level": "imminent", "categories": ["imminent_danger"], "escalates": True})
    answered: list[str] = []

    async def bot(message: UserMessage) -> None:
        answered.append(message.text)

    app = SimpleNamespace(ctx=SimpleNamespace(agent=agent))
    for text in ("he is outside", "/restart", "/session_start"):
        await pass_on(_message(text), bot, app)
    assert answered == [] and agent.logged == ["he is outside", "/restart", "/session_start"]
    with session_scope() as session:
        assert session.get(Escalation, escalation_id).level == "imminent"


async def test_after_hand_back_the_bot_answers_again(escalation_id: int):
    with session_scope() as session:
        takeover.take_over(session, escalation_id, "sam", datetime.utcnow())
        takeover.hand_back(session, escalation_id, "sam")
    agent = RecordingAgent({"level": "none", "categories": [], "escalates": False})
    answered: list[str] = []

    async def bot(message: UserMessage) -> None:
        answered.append(message.text)

    await pass_on(_message("thanks"), bot, SimpleNamespace(ctx=SimpleNamespace(agent=agent)))
    assert answered == ["thanks"] and agent.logged == []
