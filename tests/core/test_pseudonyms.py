"""An SMS conversation id is a keyed pseudonym: stable for one number, never the number."""

from __future__ import annotations

import pytest

from harbor.core.pseudonyms import mask_number, sms_conversation_id

NUMBER = "+15105550199"


def test_the_id_never_holds_the_number(db_url):
    conversation = sms_conversation_id(NUMBER)
    assert conversation.startswith("sms:") and len(conversation) == 4 + 64
    assert "5105550199" not in conversation


def test_one_number_one_conversation_whatever_the_format(db_url):
    assert sms_conversation_id(NUMBER) == sms_conversation_id("+1 (510) 555-0199")
    assert sms_conversation_id(NUMBER) != sms_conversation_id("+15105550198")


def test_another_secret_gives_other_ids(db_url, monkeypatch: pytest.MonkeyPatch):
    mine = sms_conversation_id(NUMBER)
    monkeypatch.setenv("HARBOR_ID_SECRET", "someone else's key")
    assert sms_conversation_id(NUMBER) != mine


def test_a_logged_roster_number_shows_two_digits():
    assert mask_number("+14155550101") == "...01"
