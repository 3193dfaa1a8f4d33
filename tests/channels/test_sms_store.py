"""The SMS store: MessageSids once, numbers only encrypted, opt-outs by pseudonym."""

from __future__ import annotations

from pathlib import Path

from channels import sms_store
from harbor.core.pseudonyms import sms_conversation_id

NUMBER = "+15105550199"


def test_a_retried_message_sid_is_accepted_once(db_url):
    conversation = sms_conversation_id(NUMBER)
    assert sms_store.accept("SM1", conversation, "text", "hi", number=NUMBER) is True
    assert sms_store.accept("SM1", conversation, "text", "hi", number=NUMBER) is False
    assert sms_store.conversations_waiting(now=_later()) == [conversation]


def test_the_number_is_encrypted_at_rest_and_read_back_only_to_send(db_url, tmp_path: Path):
    conversation = sms_conversation_id(NUMBER)
    sms_store.accept("SM2", conversation, "text", "hello", number=NUMBER)
    # The database and whatever SQLite keeps beside it (write-ahead log, journal): all of it is at rest.
    files = sorted(tmp_path.glob("harbor.db*"))
    assert tmp_path / "harbor.db" in files
    for path in files:
        assert b"5105550199" not in path.read_bytes(), path.name
    assert sms_store.number_for(conversation) == NUMBER


def test_a_number_cannot_be_read_with_another_secret(db_url, monkeypatch):
    conversation = sms_conversation_id(NUMBER)
    sms_store.remember_number(conversation, NUMBER)
    monkeypatch.setenv("HARBOR_ID_SECRET", "rotated")
    assert sms_store.number_for(conversation) is None


def test_opt_out_is_kept_by_pseudonym(db_url):
    conversation = sms_conversation_id(NUMBER)
    sms_store.set_opted_out(conversation, True)
    assert sms_store.is_opted_out(conversation)
    assert not sms_store.is_opted_out(sms_conversation_id("+15105550198"))
    sms_store.set_opted_out(conversation, False)
    assert not sms_store.is_opted_out(conversation)


def test_keywords_and_media_are_not_left_for_the_bot(db_url):
    conversation = sms_conversation_id(NUMBER)
    sms_store.accept("SM3", conversation, "keyword", "STOP")
    sms_store.accept("SM4", conversation, "media", "")
    assert sms_store.conversations_waiting(now=_later()) == []


def _later():
    from datetime import datetime, timedelta

    return datetime.utcnow() + timedelta(seconds=1)
