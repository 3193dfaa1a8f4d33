"""Advocates acknowledge by SMS: `ACK <code>` on the same signed Twilio webhook, never seen by the bot."""

from __future__ import annotations

import re
import time

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import ACK_TIMEOUT_SECONDS, FakeTwilio, RunningHarbor
from tests.e2e.test_escalation import PRIMARY, escalations_for, pages_for, wait_for

pytestmark = pytest.mark.e2e


def post_sms(harbor: RunningHarbor, params: dict, token: str = "fake-token") -> requests.Response:
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
