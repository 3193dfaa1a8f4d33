"""The whole loop, for real: a risky message over the REST channel, the escalation row, the page
through the real twilio library to a local fake Twilio API, re-paging, ACK, and a pager killed
mid-send."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from datetime import datetime, timedelta

import pytest

from harbor.core.db import session_factory
from harbor.core.settings import HotlineConfig, venv_executable
from hotline import roster
from hotline.escalations import open_or_update
from hotline.models import Page
from tests.e2e.conftest import ACK_TIMEOUT_SECONDS, SUPERVISOR_TIMEOUT_SECONDS, FakeTwilio, RunningHarbor

pytestmark = pytest.mark.e2e
HARBOR = venv_executable("harbor")
PRIMARY, BACKUP, SUPERVISOR = "+14155550101", "+14155550102", "+14155550100"


def harbor_cli(running: RunningHarbor, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([HARBOR, *args], env=running.env, capture_output=True, text=True, timeout=120)


def escalations_for(running: RunningHarbor, sender: str) -> list[dict]:
    """Escalations of a REST sender, or of an SMS number (by its pseudonym)."""
    listed = harbor_cli(running, "escalations", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    conversation = running.sms_conversation(sender) if sender.startswith("+") else "rest:" + sender
    return [e for e in json.loads(listed.stdout) if e["conversation_id"] == conversation]


def pages_for(fake: FakeTwilio, escalation_id: int) -> list[dict]:
    return [m for m in fake.messages() if re.search(rf"\bESC-{escalation_id}\b", m["body"])]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_a_risky_message_gets_the_crisis_reply_one_escalation_and_one_page(
        harbor: RunningHarbor, fake_twilio: FakeTwilio, sender: str, responses):
    text = "he locked me in the room and wont let me leave"
    assert harbor.texts(text, sender) == [responses["utter_escalate_danger"]]
    [escalation] = escalations_for(harbor, sender)
    assert escalation["level"] == "imminent" and "imminent_danger" in escalation["categories"]
    [page] = wait_for(lambda: pages_for(fake_twilio, escalation["id"]), 15, "the page")
    assert page["to"] == PRIMARY
    assert "locked" not in page["body"] and sender not in page["body"]
    assert f"/escalations/{escalation['id']}" in page["body"]
    # Later risk in the same conversation updates the same escalation.
    harbor.texts("he has a knife", sender)
    assert len(escalations_for(harbor, sender)) == 1


def test_no_ack_pages_again_and_the_backup_then_the_supervisor(
        harbor: RunningHarbor, fake_twilio: FakeTwilio, sender: str):
    harbor.texts("i want to kill myself", sender)
    [escalation] = escalations_for(harbor, sender)
    pages = wait_for(lambda: len(pages_for(fake_twilio, escalation["id"])) >= 3 or None,
                     ACK_TIMEOUT_SECONDS + 15, "re-page and backup")
    assert pages
    recipients = [m["to"] for m in pages_for(fake_twilio, escalation["id"])]
    assert recipients[0] == PRIMARY and sorted(recipients[1:3]) == sorted([PRIMARY, BACKUP])
    wait_for(lambda: SUPERVISOR in [m["to"] for m in pages_for(fake_twilio, escalation["id"])],
             SUPERVISOR_TIMEOUT_SECONDS + 15, "the supervisor page")


def test_ack_stops_the_paging(harbor: RunningHarbor, fake_twilio: FakeTwilio, sender: str):
    harbor.texts("i have to make my quota tonight or he'll hurt me", sender)
    [escalation] = escalations_for(harbor, sender)
    wait_for(lambda: pages_for(fake_twilio, escalation["id"]), 15, "the first page")
    code = re.search(r"ACK (\d+)", pages_for(fake_twilio, escalation["id"])[0]["body"]).group(1)
    acked = harbor_cli(harbor, "escalations", "ack", code, "--by", "Sam Primary", "--json")
    assert acked.returncode == 0, acked.stderr
    assert json.loads(acked.stdout)["status"] == "acknowledged"
    time.sleep(ACK_TIMEOUT_SECONDS + 2)
    assert len(pages_for(fake_twilio, escalation["id"])) == 1


def test_risk_is_scored_inside_the_safety_plan_and_after_more(harbor: RunningHarbor, sender: str, responses):
    harbor.texts("PLAN", sender)
    assert harbor.texts("kms", sender) == [responses["utter_escalate_self_harm"]]
    other = sender + "-more"
    harbor.texts("what are the warning signs", other)
    assert harbor.texts("my bf sells me", other)[0] == responses["utter_escalate_exploitation"]
    assert escalations_for(harbor, sender) and escalations_for(harbor, other)


def test_the_answer_to_are_you_safe_after_a_disclosure(harbor: RunningHarbor, sender: str, responses):
    harbor.texts("my stepdad hits me", sender)
    assert harbor.texts("yes", sender) == [responses["utter_check_in_safe"]]
    other = sender + "-no"
    harbor.texts("my stepdad hits me", other)
    assert harbor.texts("no", other) == [responses["utter_escalate_again_disclosure"]]  # the advocate has it
    [escalation] = escalations_for(harbor, other)
    assert escalation["level"] == "imminent"  # "not safe right now" is danger now: its shorter re-page target


def test_questions_and_idioms_page_nobody(harbor: RunningHarbor, sender: str, responses):
    harbor.texts("this homework is killing me", sender)
    assert harbor.texts("what are the warning signs a kid is being trafficked", sender) == [
        responses["utter_ask_warning_signs"]]
    assert escalations_for(harbor, sender) == []


def test_a_pager_killed_mid_send_pages_exactly_once_after_restart(
        harbor: RunningHarbor, fake_twilio: FakeTwilio, tmp_path):
    database = f"sqlite:///{tmp_path / 'crash.db'}"
    sessions = session_factory(database)
    now = datetime.utcnow()
    with sessions() as session:
        roster.add_advocate(session, "Crash Primary", "+14155550177")
        roster.set_shift(session, "Crash Primary", "primary", now - timedelta(hours=1), now + timedelta(hours=1))
        escalation_id = open_or_update(session, "crash-test", "sms", "high", ["abuse"],
                                       HotlineConfig.from_env(), now).escalation_id
        session.commit()
    env = {**harbor.env, "DATABASE_URL": database, "HARBOR_PAGER_LEASE_SECONDS": "2",
           "HARBOR_ACK_TIMEOUT_SECONDS": "3600"}
    def crash_pages() -> list[dict]:
        return [m for m in fake_twilio.messages() if m["to"] == "+14155550177"]

    def crash_requests() -> list[dict]:
        # Only this pager's sends count: the session's own pager shares the fake and may page
        # at any moment for other tests' escalations.
        return [r for r in fake_twilio.requests_seen() if r["to"] == "+14155550177"]

    fake_twilio.delay(3)
    try:
        pager = subprocess.Popen([HARBOR, "pager"], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for(crash_requests, 30, "the pager's request")
        os.killpg(pager.pid, signal.SIGKILL)  # mid-send: the fake is still holding the request
        pager.wait()
        wait_for(lambda: crash_pages(), 10, "the fake to finish the send")
    finally:
        fake_twilio.delay(0)
    restarted = subprocess.Popen([HARBOR, "pager"], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        time.sleep(5)  # lease expiry (2 s) plus a few passes
        with sessions() as session:
            page = session.query(Page).filter(Page.escalation_id == escalation_id).one()
            assert page.status == "sent"
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=30)
    assert len(crash_pages()) == 1
