"""The SMS channel as Twilio and a youth on a prepaid phone would see it."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from tests.e2e.conftest import FakeTwilio, RunningHarbor
from tests.e2e.test_escalation import wait_for
from tests.e2e.test_sms_ack import post_sms

pytestmark = pytest.mark.e2e


def sid() -> str:
    return "SM" + uuid.uuid4().hex


def youth_number() -> str:
    return "+1510555" + f"{uuid.uuid4().int % 10000:04d}"


def sent_to(fake: FakeTwilio, number: str) -> list[str]:
    return [m["body"] for m in fake.messages() if m["to"] == number]


def test_the_same_message_sid_is_handled_once(harbor: RunningHarbor, fake_twilio: FakeTwilio, responses):
    number, message_sid = youth_number(), sid()
    for _ in range(3):  # Twilio retries
        assert post_sms(harbor, {"From": number, "Body": "MENU", "MessageSid": message_sid}).status_code == 200
    wait_for(lambda: sent_to(fake_twilio, number), 30, "the reply")
    time.sleep(2)
    assert sent_to(fake_twilio, number) == [responses["utter_menu"]]


def test_stop_means_stop_until_start(harbor: RunningHarbor, fake_twilio: FakeTwilio, responses):
    number = youth_number()
    assert post_sms(harbor, {"From": number, "Body": " Stop ", "MessageSid": sid()}).text.endswith(
        "<Response></Response>")
    post_sms(harbor, {"From": number, "Body": "MENU", "MessageSid": sid()})
    time.sleep(3)
    assert sent_to(fake_twilio, number) == []
    started = post_sms(harbor, {"From": number, "Body": "START", "MessageSid": sid()})
    assert "you will get messages from us again" in started.text
    post_sms(harbor, {"From": number, "Body": "MENU", "MessageSid": sid()})
    assert wait_for(lambda: sent_to(fake_twilio, number), 30, "the reply after START") == [
        responses["utter_menu"]]


def test_help_answers_with_the_program_and_crisis_lines(harbor: RunningHarbor):
    answer = post_sms(harbor, {"From": youth_number(), "Body": "help", "MessageSid": sid()})
    assert "988" in answer.text and "1-888-373-7888" in answer.text and "STOP" in answer.text


def test_media_without_text_gets_a_polite_reply(harbor: RunningHarbor):
    params = {"From": youth_number(), "Body": "", "NumMedia": "1", "MessageSid": sid(),
              "MediaUrl0": "https://example.invalid/image.jpg", "MediaContentType0": "image/jpeg"}
    answer = post_sms(harbor, params)
    assert answer.status_code == 200 and "I can only read text for now" in answer.text


def test_a_location_gets_a_polite_reply(harbor: RunningHarbor):
    params = {"From": youth_number(), "Body": "", "Latitude": "37.77", "Longitude": "-122.41", "MessageSid": sid()}
    assert "I can only read text for now" in post_sms(harbor, params).text


def test_status_callbacks_are_signed_and_recorded(harbor: RunningHarbor):
    url = f"{harbor.rasa_url}/webhooks/sms/status"
    params = {"MessageSid": sid(), "MessageStatus": "delivered"}
    assert requests.post(url, data=params, timeout=10).status_code == 403
    from twilio.request_validator import RequestValidator

    signature = RequestValidator("fake-token").compute_signature(url, params)
    answer = requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=10)
    assert answer.status_code == 204


@pytest.mark.parametrize("body, content_type, status", [
    (b"x" * (70 * 1024), "application/x-www-form-urlencoded", 413),
    (b'{"From": "+15105550100"}', "application/json", 415),
    (b"From=%2B1510&Body=\xff\xfe", "application/x-www-form-urlencoded", 400),
])
def test_bad_requests_are_4xx_with_a_reason_and_change_nothing(harbor: RunningHarbor, body, content_type, status):
    answer = requests.post(f"{harbor.rasa_url}/webhooks/sms/webhook", data=body,
                           headers={"Content-Type": content_type, "X-Twilio-Signature": "x"}, timeout=10)
    assert answer.status_code == status and answer.text


def test_a_reply_survives_a_500_from_twilio(harbor: RunningHarbor, fake_twilio: FakeTwilio, responses):
    number = youth_number()
    requests.post(f"{fake_twilio.url}/_fake/fail", json={"statuses": [500]}, timeout=5)
    post_sms(harbor, {"From": number, "Body": "MENU", "MessageSid": sid()})
    assert wait_for(lambda: sent_to(fake_twilio, number), 30, "the retried reply") == [responses["utter_menu"]]


def test_after_stop_danger_still_pages_an_advocate_but_nothing_is_sent_back(
        harbor: RunningHarbor, fake_twilio: FakeTwilio):
    from tests.e2e.test_escalation import escalations_for

    number = youth_number()
    post_sms(harbor, {"From": number, "Body": "STOP", "MessageSid": sid()})
    post_sms(harbor, {"From": number, "Body": "he has a gun and wont let me leave", "MessageSid": sid()})
    wait_for(lambda: escalations_for(harbor, number), 30, "the escalation")
    time.sleep(2)
    assert sent_to(fake_twilio, number) == []
