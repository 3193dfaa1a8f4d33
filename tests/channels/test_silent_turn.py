"""Every message gets a reply even when the action server dies while answering it (channels/silent_turn.py).

Rasa, whose custom action failed, carries on having said nothing; `bot` below is the channel's view of
such a turn (the message stored with its risk, nothing sent). The channel then says what fits itself:
the escalation reply, promising an advocate only when a page went out, or an apology asking to send the
message again. The real failure (kill -9 of the action server mid-burst) is tests/e2e/test_kill_during_burst.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.tracker_store import AwaitableTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.handoff import pass_on
from channels.texts import channel_text
from harbor.core.settings import DOMAIN_FILE
from tests.hotline.support import database

CONVERSATION = "sms:" + "c" * 32
DANGER = {"level": "imminent", "escalates": True, "categories": ["imminent_danger"], "signals": []}
CALM = {"level": "none", "escalates": False, "categories": [], "signals": []}
SPANISH = [{"entity": "language", "value": "es", "start": 0, "end": 10}]


DOMAIN = Domain.load(str(DOMAIN_FILE))  # Harbor's own slots: who is asking, their language


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> AwaitableTrackerStore:
    return AwaitableTrackerStore(SQLTrackerStore(DOMAIN, host=f"sqlite:///{tmp_path / 'rasa.db'}"))


def a_bot(store: AwaitableTrackerStore, risk: dict, says: str | None, entities: list[dict] | None = None,
          slots: dict | None = None, then: tuple[str, dict] | None = None) -> Callable[[UserMessage], Awaitable[None]]:
    """Stores the message with its risk (and the slots it set), as Rasa does before any action runs; says `says`,
    or nothing (the custom action failed). `then`: another message of the conversation stored right after it."""
    async def handle(message: UserMessage) -> None:
        tracker = await store.retrieve(message.sender_id) or DialogueStateTracker.from_events(
            message.sender_id, [], DOMAIN.slots)
        parse_data = {"risk": risk, "entities": entities or []}
        tracker.update(UserUttered(message.text, {"name": "chitchat", "confidence": 1.0}, parse_data=parse_data,
                                   message_id=message.message_id))
        for name, value in (slots or {}).items():
            tracker.update(SlotSet(name, value))
        if then is not None:
            tracker.update(UserUttered(then[0], {"name": "chitchat", "confidence": 1.0}, parse_data={"risk": then[1]},
                                       message_id="the-next-one"))
        await store.save(tracker)
        if says is not None:
            await message.output_channel.send_response(message.sender_id, {"text": says})

    return handle


async def replies_to(text: str, bot: Callable[[UserMessage], Awaitable[None]],
                     store: AwaitableTrackerStore) -> list[str]:
    output = CollectingOutputChannel()
    agent = SimpleNamespace(tracker_store=store, lock_store=InMemoryLockStore(),
                            nlg=TemplatedNaturalLanguageGenerator(DOMAIN.responses))  # Rasa's own, as the agent's
    app = SimpleNamespace(ctx=SimpleNamespace(agent=agent))
    await pass_on(UserMessage(text, output, CONVERSATION, input_channel="sms"), bot, app)
    return [message["text"] for message in output.messages]


def variant(name: str, **slots: str) -> str:
    """The domain's variation of `name` whose conditions are exactly these slot values."""
    for candidate in DOMAIN.responses[name]:
        if {c["name"]: c["value"] for c in candidate.get("condition") or []} == slots:
            return candidate["text"]
    raise AssertionError(f"no variation of {name} for {slots}")


async def said_by_the_bot(store: AwaitableTrackerStore) -> list[str]:
    tracker = await store.retrieve(CONVERSATION)
    return [event.text for event in tracker.events if isinstance(event, BotUttered)]


async def test_a_turn_the_bot_answered_gets_nothing_more(store, db_url: str, tmp_path: Path):
    database(tmp_path, url=db_url)
    assert await replies_to("hi", a_bot(store, CALM, "Hi! I'm Harbor."), store) == ["Hi! I'm Harbor."]
    assert await replies_to("he won't let me leave", a_bot(store, DANGER, "Your safety comes first."),
                            store) == ["Your safety comes first."]


async def test_a_silent_turn_is_apologised_for_and_asked_again(store, db_url: str, tmp_path: Path):
    database(tmp_path, url=db_url)
    [reply] = await replies_to("where can i sleep tonight", a_bot(store, CALM, None), store)
    assert reply == channel_text("utter_reply_lost")
    assert "send that again" in reply and "911" in reply
    # Kept in the conversation like any bot turn: the web chat's history and the console show it.
    assert await said_by_the_bot(store) == [reply]


async def test_a_command_answered_by_nothing_gets_nothing(store, db_url: str, tmp_path: Path):
    database(tmp_path, url=db_url)
    assert await replies_to("/session_start", a_bot(store, CALM, None), store) == []


async def test_a_silent_escalating_turn_is_told_an_advocate_was_alerted(store, db_url: str, tmp_path: Path):
    database(tmp_path, url=db_url)  # a roster with someone on shift: the channel's escalation pages them
    [reply] = await replies_to("he won't let me leave", a_bot(store, DANGER, None), store)
    assert reply == channel_text("utter_escalate_danger")
    assert "alerted" in reply


async def test_with_nobody_on_call_no_advocate_is_promised(store, db_url: str, tmp_path: Path):
    database(tmp_path, url=db_url, with_roster=False)
    [reply] = await replies_to("he won't let me leave", a_bot(store, DANGER, None), store)
    assert reply == channel_text("utter_in_danger_now")
    assert "alerted" not in reply and "911" in reply


async def test_a_spanish_message_gets_its_reply_in_spanish(store, db_url: str, tmp_path: Path):
    database(tmp_path, url=db_url)
    [reply] = await replies_to("no me deja salir", a_bot(store, DANGER, None, SPANISH, slots={"language": "es"}), store)
    assert reply == variant("utter_escalate_danger", language="es")
    assert reply.startswith("Tu seguridad es lo primero")


async def test_a_spanish_conversation_is_apologised_to_in_spanish(store, db_url: str, tmp_path: Path):
    database(tmp_path, url=db_url)
    [reply] = await replies_to("ayudame", a_bot(store, CALM, None, slots={"language": "es"}), store)
    assert reply.startswith("Perdon, algo fallo")


async def test_a_caregiver_gets_the_caregivers_words_not_the_youths(store, db_url: str, tmp_path: Path):
    database(tmp_path, url=db_url)
    abuse = {**DANGER, "level": "high", "categories": ["abuse"]}
    [reply] = await replies_to("her stepdad hits her", a_bot(store, abuse, None, slots={"role": "caregiver"}), store)
    assert reply == variant("utter_escalate_abuse", role="caregiver", language="en")
    assert "not your fault" not in reply and reply != channel_text("utter_escalate_abuse")


async def test_the_reply_is_about_this_message_even_when_the_next_one_is_stored_already(
        store, db_url: str, tmp_path: Path):
    database(tmp_path, url=db_url)
    bot = a_bot(store, DANGER, None, then=("ok", CALM))
    [reply] = await replies_to("he won't let me leave", bot, store)
    assert reply == channel_text("utter_escalate_danger")
