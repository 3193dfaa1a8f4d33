"""DELETE and retention: what a youth asked to erase is gone; what advocates need stays, unlinked."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from channels import erasure, sms_store
from channels.erase_requests import intercept, is_delete_request
from channels.sms_store import InboxMessage
from harbor.core.db import session_scope
from hotline.models import OPEN, Escalation

NUMBER = "+15105550199"


async def _conversation(store, conversation_id: str, at: float | None = None) -> None:
    tracker = DialogueStateTracker.from_events(conversation_id, [
        UserUttered("I want to make a plan", timestamp=at or time.time()),
        SlotSet("plan_code_word", "pineapple", timestamp=at or time.time()),
    ])
    await store.save(tracker)


def _escalation(conversation_id: str, status: str = OPEN) -> None:
    with session_scope() as session:
        session.add(Escalation(conversation_id=conversation_id, channel="sms", level="high",
                               categories="self_harm", status=status, ack_code=str(100000 + len(conversation_id))))


async def _events(store, conversation_id: str) -> list:
    tracker = await store.retrieve(conversation_id)
    return [] if tracker is None else [e for e in tracker.events if isinstance(e, (UserUttered, SlotSet))]


async def test_delete_then_yes_erases_messages_plan_number_and_unlinks_the_escalation(tracker_store):
    conversation = "sms:abc"
    await _conversation(tracker_store, conversation)
    sms_store.accept("SM1", conversation, "text", "hi", number=NUMBER)
    sms_store.finish(1, "done", datetime.utcnow())
    _escalation(conversation)

    asked = await intercept(conversation, "DELETE", "sms")
    assert asked is not None and "Reply YES" in asked
    assert await _events(tracker_store, conversation) != []  # nothing goes before the YES
    done = await intercept(conversation, "yes", "sms")
    assert done is not None and done.startswith("Done")

    assert await _events(tracker_store, conversation) == []
    assert sms_store.number_for(conversation) is None
    with session_scope() as session:
        escalation = session.scalar(select(Escalation))
        assert escalation.conversation_id.startswith("erased:")
        assert (escalation.level, escalation.categories, escalation.status) == ("high", "self_harm", OPEN)
    assert sms_store.accept("SM1", None, "text", "hi") is False  # Twilio's retry is still dropped


async def test_a_message_sent_right_after_yes_is_still_answered(tracker_store):
    conversation = "sms:def"
    sms_store.accept("SM10", conversation, "text", "DELETE", number=NUMBER)
    sms_store.accept("SM11", conversation, "text", "YES", number=NUMBER)
    sms_store.accept("SM12", conversation, "text", "wait hes here", number=NUMBER)
    for row_id in (1, 2):  # the worker has handled DELETE and is handling YES
        sms_store.finish(row_id, "done", datetime.utcnow())
    await intercept(conversation, "DELETE", "sms")
    await intercept(conversation, "YES", "sms")
    assert sms_store.number_for(conversation) == NUMBER  # still needed to answer the waiting message
    with session_scope() as session:
        waiting = session.scalars(select(InboxMessage.body).where(InboxMessage.conversation_id == conversation))
        assert list(waiting) == ["wait hes here"]


async def test_anything_but_yes_keeps_the_conversation(tracker_store):
    await _conversation(tracker_store, "web:1")
    assert await intercept("web:1", "delete this conversation", "web") is not None
    assert await intercept("web:1", "wait no", "web") is None
    assert await intercept("web:1", "yes", "web") is None  # the request was cancelled
    assert await _events(tracker_store, "web:1") != []


async def test_a_late_yes_does_not_erase(tracker_store):
    await _conversation(tracker_store, "web:2")
    asked_at = datetime.utcnow()
    await intercept("web:2", "DELETE", "web", now=asked_at)
    assert await intercept("web:2", "yes", "web", now=asked_at + timedelta(minutes=11)) is None
    assert await _events(tracker_store, "web:2") != []


def test_only_whole_requests_count():
    for said in ["DELETE", "delete", "Delete this conversation", "please delete my messages", "erase my chat",
                 "can you delete this chat?", "delete everything"]:
        assert is_delete_request(said), said
    for said in ["he made me delete my texts", "i deleted his number", "how do i delete my browser history so "
                 "he cant see", "delete him from my life i want to die", "yes"]:
        assert not is_delete_request(said), said


async def test_purge_erases_idle_conversations_without_an_open_escalation(tracker_store):
    old = time.time() - 40 * 86400
    await _conversation(tracker_store, "web:idle", at=old)
    await _conversation(tracker_store, "web:idle-but-open", at=old)
    await _conversation(tracker_store, "web:recent")
    _escalation("web:idle-but-open")
    purged = erasure.purge_idle(datetime.utcnow(), timedelta(days=30))
    assert purged.conversations == 1
    assert await _events(tracker_store, "web:idle") == []
    assert await _events(tracker_store, "web:idle-but-open") != []
    assert await _events(tracker_store, "web:recent") != []
