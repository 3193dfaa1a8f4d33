"""A database from before pseudonyms: phone-number ids move to pseudonyms, and nothing is lost."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from channels import sms_store
from channels.legacy_ids import move_legacy_ids
from harbor.core.db import session_scope
from harbor.core.pseudonyms import sms_conversation_id
from hotline.models import Escalation

NUMBER = "+15105550199"


async def test_phone_number_ids_become_pseudonyms_and_the_number_is_only_encrypted(tracker_store, tmp_path: Path):
    for sender in (NUMBER, "0123456789abcdef0123456789abcdef", "cli-tester"):
        await tracker_store.save(DialogueStateTracker.from_events(sender, [UserUttered("hello")]))
    with session_scope() as session:
        session.add(Escalation(conversation_id=NUMBER, channel="sms", level="high", categories="abuse",
                               ack_code="123456"))
        session.execute(text("CREATE TABLE harbor_sms_optouts (id INTEGER PRIMARY KEY, phone VARCHAR(32), "
                             "opted_out BOOLEAN, updated_at DATETIME)"))
        session.execute(text("INSERT INTO harbor_sms_optouts (phone, opted_out) VALUES (:p, 1)"), {"p": NUMBER})

    with session_scope() as session:
        moved = move_legacy_ids(session)
    assert (moved.conversations, moved.numbers, moved.opt_outs) == (3, 1, 1)
    pseudonym = sms_conversation_id(NUMBER)
    assert set(await tracker_store.keys()) == {pseudonym, "web:0123456789abcdef0123456789abcdef", "rest:cli-tester"}
    assert sms_store.number_for(pseudonym) == NUMBER
    assert sms_store.is_opted_out(pseudonym)
    assert b"5105550199" not in (tmp_path / "harbor.db").read_bytes()
    with session_scope() as session:
        assert session.query(Escalation).one().conversation_id == pseudonym
        assert move_legacy_ids(session).conversations == 0  # idempotent: every start runs it
