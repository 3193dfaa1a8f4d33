"""Nobody but the youth reaches their conversation, as an exploiter holding the youth's number
would try it: every other door, the database file, and DELETE."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
import requests

from harbor.core.pseudonyms import sms_conversation_id
from tests.e2e.conftest import FakeTwilio, RunningHarbor
from tests.e2e.test_escalation import wait_for
from tests.e2e.test_sms_ack import post_sms

pytestmark = pytest.mark.e2e


def youth_number() -> str:
    return "+1510555" + f"{uuid.uuid4().int % 10000:04d}"


def sms_turn(harbor: RunningHarbor, fake: FakeTwilio, number: str, body: str, replies: int) -> list[str]:
    """Text `body` from `number` and return the `replies` new texts Harbor sent back."""
    before = len([m for m in fake.messages() if m["to"] == number])
    answer = post_sms(harbor, {"From": number, "Body": body, "MessageSid": "SM" + uuid.uuid4().hex})
    assert answer.status_code == 200, answer.text
    sent = wait_for(lambda: (lambda got: got if len(got) >= before + replies else None)(
        [m["body"] for m in fake.messages() if m["to"] == number]), 60, f"{replies} replies to {body!r}")
    return sent[before:]


def make_plan_by_sms(harbor: RunningHarbor, fake: FakeTwilio, number: str, code_word: str) -> None:
    sms_turn(harbor, fake, number, "help me make a safety plan", 2)
    sms_turn(harbor, fake, number, "the library on 5th", 1)
    sms_turn(harbor, fake, number, "my aunt tee", 1)
    sms_turn(harbor, fake, number, "skip", 1)
    [plan] = sms_turn(harbor, fake, number, code_word, 1)
    assert code_word in plan and "library" in plan


def database_bytes(harbor: RunningHarbor) -> bytes:
    files = sorted(Path(harbor.var_dir).glob("harbor.db*"))  # the WAL holds the newest pages
    found = []
    for f in files:
        try:
            found.append(f.read_bytes())
        except FileNotFoundError:  # the last connection closed: SQLite folded the WAL into the file
            continue
    return b"".join(found)


def test_the_rest_door_needs_its_token(harbor: RunningHarbor):
    body = {"sender": "anyone", "message": "MY PLAN"}
    assert requests.post(harbor.rest_url, json=body, timeout=30).status_code == 401
    wrong = {"Authorization": "Bearer guessed"}
    assert requests.post(harbor.rest_url, json=body, headers=wrong, timeout=30).status_code == 401
    assert requests.post(harbor.rest_url, json={"message": "hi"}, headers=harbor.auth, timeout=30).status_code == 400


def test_a_youths_sms_plan_is_out_of_reach_of_other_doors_and_gone_after_delete(
        harbor: RunningHarbor, fake_twilio: FakeTwilio, responses, monkeypatch):
    number = youth_number()
    code_word = "kiwi" + uuid.uuid4().hex[:6]  # this conversation's own: other tests use other words
    make_plan_by_sms(harbor, fake_twilio, number, code_word)

    # The exploiter has the number, even the pseudonym: the REST door reaches only its own namespace.
    monkeypatch.setenv("HARBOR_VAR_DIR", str(harbor.var_dir))
    monkeypatch.setenv("HARBOR_ID_SECRET", harbor.env.get("HARBOR_ID_SECRET", ""))
    if not harbor.env.get("HARBOR_ID_SECRET"):
        monkeypatch.delenv("HARBOR_ID_SECRET")
    pseudonym = sms_conversation_id(number)
    # The number is nowhere in the database, only its pseudonym (checked before the REST attempts
    # below, which store the number they were sent as a REST conversation's name).
    stored = database_bytes(harbor)
    assert number[2:].encode() not in stored
    assert pseudonym.encode() in stored
    for sender in (number, number.removeprefix("+"), pseudonym):
        assert harbor.texts("MY PLAN", sender) == [responses["utter_no_safety_plan"]], sender
    # Writing there does not reach the youth either: nothing more went to the youth's phone.
    before = [m for m in fake_twilio.messages() if m["to"] == number]
    harbor.texts("PLAN", number)
    assert [m for m in fake_twilio.messages() if m["to"] == number] == before

    # DELETE, then YES: the plan is gone and the youth is told so in one line.
    [question] = sms_turn(harbor, fake_twilio, number, "DELETE", 1)
    assert question == responses["utter_erase_confirm_sms"]
    [done] = sms_turn(harbor, fake_twilio, number, "YES", 1)
    assert done == responses["utter_erased"]
    assert sms_turn(harbor, fake_twilio, number, "MY PLAN", 1) == [responses["utter_no_safety_plan"]]
    with sqlite3.connect(Path(harbor.var_dir) / "harbor.db") as db:
        assert db.execute("SELECT COUNT(*) FROM events WHERE data LIKE ?", (f"%{code_word}%",)).fetchone()[0] == 0


def test_delete_in_a_typed_chat_asks_first_and_erases(harbor: RunningHarbor, sender: str, responses):
    harbor.texts("help me make a safety plan", sender)
    harbor.texts("the park", sender)
    assert harbor.texts("delete this conversation", sender) == [responses["utter_erase_confirm_web"]]
    assert harbor.texts("yes", sender) == [responses["utter_erased"]]
    assert harbor.texts("MY PLAN", sender) == [responses["utter_no_safety_plan"]]


def test_a_very_long_message_is_cut_and_the_reply_says_so(harbor: RunningHarbor, sender: str, responses):
    texts = harbor.texts("hi " * 2000, sender)
    assert texts[0] == responses["utter_message_cut"]
    assert len(texts) >= 2
