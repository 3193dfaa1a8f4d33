"""No SMS is lost: a message Twilio got its 200 for is answered once even when the Rasa server is
killed (kill -9) while handling it; a reply the provider refuses for good still leaves the turn saved."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
import uuid
from pathlib import Path

import pytest
import requests

from harbor.core.pseudonyms import sms_conversation_id
from tests.e2e.conftest import FakeTwilio, RunningHarbor
from tests.e2e.process_helpers import child_pid, restart_rasa_by_kill
from tests.e2e.test_escalation import wait_for
from tests.e2e.test_sms_ack import post_sms

pytestmark = pytest.mark.e2e


def _number() -> str:
    return "+1510555" + f"{uuid.uuid4().int % 10000:04d}"


def _replies(fake: FakeTwilio, number: str) -> list[str]:
    return [m["body"] for m in fake.messages() if m["to"] == number]


def _inbox_status(harbor: RunningHarbor, message_sid: str) -> str | None:
    with sqlite3.connect(Path(harbor.var_dir) / "harbor.db") as db:
        row = db.execute("SELECT status FROM harbor_sms_inbox WHERE message_sid = ?", (message_sid,)).fetchone()
    return row[0] if row else None


def test_a_message_being_handled_when_rasa_is_killed_is_answered_once(harbor: RunningHarbor,
                                                                       fake_twilio: FakeTwilio, responses):
    number, message_sid = _number(), "SM" + uuid.uuid4().hex
    actions = child_pid(harbor, "action server")
    os.kill(actions, signal.SIGSTOP)  # MY PLAN waits on the action server: the turn is mid-handling
    try:
        assert post_sms(harbor, {"From": number, "Body": "MY PLAN", "MessageSid": message_sid}).status_code == 200
        wait_for(lambda: _inbox_status(harbor, message_sid) == "handling", 30, "the inbox to claim the message")
        restart_rasa_by_kill(harbor)
    finally:
        os.kill(actions, signal.SIGCONT)
    assert _replies(fake_twilio, number) == []
    wait_for(lambda: _replies(fake_twilio, number), 180, "the reply after the restart")
    time.sleep(3)
    assert _replies(fake_twilio, number) == [responses["utter_no_safety_plan"]]
    assert _inbox_status(harbor, message_sid) == "done"


def test_a_number_the_provider_refuses_is_logged_counted_and_the_turn_kept(harbor: RunningHarbor,
                                                                           fake_twilio: FakeTwilio, monkeypatch):
    number, message_sid = _number(), "SM" + uuid.uuid4().hex
    requests.post(f"{fake_twilio.url}/_fake/unreachable", json={"numbers": [number]}, timeout=5)
    assert post_sms(harbor, {"From": number, "Body": "MENU", "MessageSid": message_sid}).status_code == 200
    wait_for(lambda: _inbox_status(harbor, message_sid) == "done", 60, "the message to be handled")
    log = (Path(harbor.var_dir) / "log" / "rasa.log").read_text()
    assert "SMS REPLY NOT DELIVERED refused by the provider" in log
    assert number not in log and number[2:] not in log

    monkeypatch.setenv("HARBOR_VAR_DIR", str(harbor.var_dir))
    conversation = sms_conversation_id(number)
    tracker = requests.get(f"{harbor.rasa_url}/conversations/{conversation}/tracker",
                           params={"token": harbor.env["HARBOR_RASA_TOKEN"]}, timeout=30).json()
    said = [e.get("text") for e in tracker["events"] if e["event"] == "user"]
    assert said == ["MENU"]
    assert any(e["event"] == "bot" for e in tracker["events"])
