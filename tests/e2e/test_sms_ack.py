"""Advocates acknowledge by SMS: `ACK <code>` on the same signed Twilio webhook, never seen by the bot;
only the paged advocate's code acknowledges, and guessing codes locks the guessing phone."""

from __future__ import annotations

import re
import time
import uuid

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import ACK_TIMEOUT_SECONDS, FakeTwilio, RunningHarbor
from tests.e2e.test_escalation import PRIMARY, escalations_for, harbor_cli, pages_for, wait_for

pytestmark = pytest.mark.e2e
# On the roster but never on shift and nobody's supervisor: never paged.
BYSTANDERS = {"Riley Bystander": "+14155550109", "Jordan Bystander": "+14155550108"}


def post_sms(harbor: RunningHarbor, params: dict, token: str = "fake-token") -> requests.Response:
    harbor.said.append(params.get("Body", ""))
    url = f"{harbor.rasa_url}/webhooks/sms/webhook"
    signature = RequestValidator(token).compute_signature(url, params)
    return requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=30)


def test_ack_by_sms_from_the_on_call_advocate_stops_paging(harbor: RunningHarbor, fake_twilio: FakeTwilio,
                                                           sender: str):
    harbor.texts("he has a gun", sender)
    [escalation] = escalations_for(harbor, sender)
    [page] = wait_for(lambda: pages_for(fake_twilio, escalation["id"]), 15, "the page")
    code = re.search(r"ACK (\d+)", page["body"]).group(1)
    answer = post_sms(harbor, {"From": PRIMARY, "Body": f"ack {code}", "MessageSid": "SM" + "a" * 32})
    assert answer.status_code == 200
    assert f"ESC-{escalation['id']} is acknowledged by Sam Primary" in answer.text
    assert escalations_for(harbor, sender)[0]["status"] == "acknowledged"
    time.sleep(ACK_TIMEOUT_SECONDS + 2)
    assert len(pages_for(fake_twilio, escalation["id"])) == 1


def sms_from(harbor: RunningHarbor, number: str, body: str) -> str:
    """What the phone at `number` gets back for a text to the Harbor number."""
    answer = post_sms(harbor, {"From": number, "Body": body, "MessageSid": "SM" + uuid.uuid4().hex})
    assert answer.status_code == 200
    return answer.text


@pytest.fixture(scope="module")
def bystanders(harbor: RunningHarbor) -> dict[str, str]:
    for name, phone in BYSTANDERS.items():
        added = harbor_cli(harbor, "oncall", "add", "--name", name, "--phone", phone)
        assert added.returncode == 0 or "already" in added.stderr, added.stderr
    return BYSTANDERS


def escalate_and_read_code(harbor: RunningHarbor, fake_twilio: FakeTwilio, sender: str) -> tuple[dict, str]:
    harbor.texts("he has a gun", sender)
    [escalation] = escalations_for(harbor, sender)
    [page, *_] = wait_for(lambda: pages_for(fake_twilio, escalation["id"]), 15, "the page")
    return escalation, re.search(r"ACK (\d{6})", page["body"]).group(1)


def test_an_escalation_id_does_not_ack_by_sms(harbor: RunningHarbor, fake_twilio: FakeTwilio, sender: str):
    escalation, code = escalate_and_read_code(harbor, fake_twilio, sender)
    for body in (f"ACK {escalation['id']}", f"ACK ESC-{escalation['id']}"):
        assert "6-digit code" in sms_from(harbor, PRIMARY, body)
    assert escalations_for(harbor, sender)[0]["status"] == "open"
    assert "is acknowledged by Sam Primary" in sms_from(harbor, PRIMARY, f"ACK {code}")


def test_someone_on_the_roster_who_was_not_paged_cannot_ack_nor_tell_a_real_code(
        harbor: RunningHarbor, fake_twilio: FakeTwilio, sender: str, bystanders: dict[str, str]):
    escalation, code = escalate_and_read_code(harbor, fake_twilio, sender)
    made_up = f"{(int(code) + 1) % 1_000_000:06d}"
    riley, jordan = bystanders["Riley Bystander"], bystanders["Jordan Bystander"]
    real_reply = sms_from(harbor, riley, f"ACK {code}")
    assert real_reply == sms_from(harbor, jordan, f"ACK {made_up}")
    assert "not accepted" in real_reply and str(escalation["id"]) not in real_reply
    assert escalations_for(harbor, sender)[0]["status"] == "open"
    # Jordan keeps guessing: the fifth wrong code locks Jordan's phone, and then even the real one is refused.
    for _ in range(4):
        last = sms_from(harbor, jordan, f"ACK {made_up}")
    assert "locked for 10 more minutes" in last
    assert "from this phone is locked for" in sms_from(harbor, jordan, f"ACK {code}")
    assert escalations_for(harbor, sender)[0]["status"] == "open"
    assert "is acknowledged by Sam Primary" in sms_from(harbor, PRIMARY, f"ACK {code}")


def test_an_advocate_text_that_is_not_an_ack_gets_usage_not_the_bot(harbor: RunningHarbor):
    answer = post_sms(harbor, {"From": PRIMARY, "Body": "hi", "MessageSid": "SM" + "b" * 32})
    assert answer.status_code == 200 and "reply ACK" in answer.text


def test_forged_or_unsigned_requests_get_403(harbor: RunningHarbor):
    url = f"{harbor.rasa_url}/webhooks/sms/webhook"
    params = {"From": PRIMARY, "Body": "ACK 123456"}
    assert requests.post(url, data=params, timeout=10).status_code == 403
    assert post_sms(harbor, params, token="not-the-token").status_code == 403


def test_a_youth_sms_is_answered_through_the_twilio_api(harbor: RunningHarbor, fake_twilio: FakeTwilio,
                                                        responses):
    youth = "+15105550142"
    answer = post_sms(harbor, {"From": youth, "Body": "MENU", "MessageSid": "SM" + "c" * 32})
    assert answer.status_code == 200 and "<Message>" not in answer.text
    replies = wait_for(lambda: [m for m in fake_twilio.messages() if m["to"] == youth], 30, "the SMS reply")
    assert replies[0]["body"] == responses["utter_menu"]
