"""Taking a conversation over: one owner, the outbox in order, risk that only rises."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from harbor.core.db import session_scope
from hotline import takeover
from hotline.console.casework import claim
from hotline.escalations import open_or_update
from hotline.models import Escalation
from tests.hotline.support import config, database

NOW = datetime(2026, 11, 26, 12, 0)
WEB = "web:" + "a" * 32
SMS = "sms:" + "b" * 64


@pytest.fixture
def escalations(db_url: str, tmp_path: Path) -> dict[str, int]:
    database(tmp_path, url=db_url, now=NOW)
    with session_scope() as session:
        ids = {conversation: open_or_update(session, conversation, "x", "high", ["abuse"], config(), NOW).escalation_id
               for conversation in (WEB, SMS)}
        claim(session, ids[WEB], "sam", NOW)
    return ids


def test_only_the_advocate_who_claimed_it_takes_over_and_one_at_a_time(escalations):
    with session_scope() as session:
        with pytest.raises(takeover.TakeoverError, match="claim it first"):
            takeover.take_over(session, escalations[SMS], "sam", NOW)
        takeover.take_over(session, escalations[WEB], "sam", NOW)
        assert takeover.holder_of(session, WEB) == "sam" and takeover.holder_of(session, SMS) is None
        with pytest.raises(takeover.TakeoverError, match="claim it first"):
            takeover.take_over(session, escalations[WEB], "riley", NOW)
        with pytest.raises(takeover.TakeoverError, match="sam holds"):
            takeover.hand_back(session, escalations[WEB], "riley")
        assert takeover.hand_back(session, escalations[WEB], "sam") is True
        assert takeover.holder_of(session, WEB) is None


def test_writing_needs_the_hold_and_long_messages_go_in_parts(escalations):
    with session_scope() as session:
        with pytest.raises(takeover.TakeoverError, match="take the conversation over first"):
            takeover.write_to_youth(session, escalations[WEB], "sam", "hello", NOW)
        takeover.take_over(session, escalations[WEB], "sam", NOW)
        long = " ".join(["word"] * 150)  # 749 characters
        ids = takeover.write_to_youth(session, escalations[WEB], "sam", long, NOW)
        parts = [m.body for m in takeover.messages_for(session, WEB)]
    assert len(ids) == 3 and all(len(p) <= 320 for p in parts) and " ".join(parts) == long


def test_split_keeps_words_whole_and_cuts_only_what_has_no_space():
    assert takeover.split_for_sms("a b c", limit=3) == ["a b", "c"]
    assert takeover.split_for_sms("x" * 7, limit=3) == ["xxx", "xxx", "x"]


def test_the_outbox_hands_out_one_message_per_conversation_at_a_time_in_order(escalations):
    with session_scope() as session:
        takeover.take_over(session, escalations[WEB], "sam", NOW)
        takeover.write_to_youth(session, escalations[WEB], "sam", "first", NOW)
        takeover.write_to_youth(session, escalations[WEB], "sam", "second", NOW)
    with session_scope() as session:
        first = takeover.claim_next(session, "web:", NOW)
        assert first.body == "first"
        assert takeover.claim_next(session, "web:", NOW) is None  # "second" waits for "first"
        assert takeover.claim_next(session, "sms:", NOW) is None  # another channel's worker
        takeover.mark_delivered(session, first.id, NOW)
    with session_scope() as session:
        assert takeover.claim_next(session, "web:", NOW).body == "second"
    with session_scope() as session:  # a worker that died: its lease runs out and it is handed out again
        again = takeover.claim_next(session, "web:", NOW + timedelta(seconds=31))
        assert again.body == "second"


def test_risk_in_a_held_conversation_only_raises_the_level(escalations):
    with session_scope() as session:
        takeover.take_over(session, escalations[WEB], "sam", NOW)
        assert takeover.raise_level(session, WEB, "concern", ["self_harm"], NOW) is False
        assert takeover.raise_level(session, WEB, "imminent", ["imminent_danger"], NOW) is True
        escalation = session.get(Escalation, escalations[WEB])
        assert escalation.level == "imminent"
        assert escalation.categories.split(",") == ["abuse", "self_harm", "imminent_danger"]
        assert takeover.raise_level(session, SMS, "imminent", ["abuse"], NOW) is False  # not held


def test_a_quick_exit_is_kept_only_while_escalated_and_erasure_forgets_it_all(escalations, db_url):
    from channels.erasure import erase

    with session_scope() as session:
        assert takeover.note_left_page(session, "web:" + "9" * 32, NOW) is False  # never escalated
        assert takeover.note_left_page(session, WEB, NOW) is True
        takeover.take_over(session, escalations[WEB], "sam", NOW)
        takeover.write_to_youth(session, escalations[WEB], "sam", "are you safe?", NOW)
    with session_scope() as session:
        assert takeover.page_exits(session, WEB) == [NOW]
        erase(session, WEB)
    with session_scope() as session:
        assert takeover.page_exits(session, WEB) == [] and takeover.messages_for(session, WEB) == []
        assert takeover.holder_of(session, WEB) is None
