"""Bad input through the REST channel: a calm, short reply, never a 500."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.conftest import RunningHarbor, assert_sms_ready

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("message", [
    "",
    "   ",
    "\U0001F62D\U0001F62D\U0001F62D",
    "?!...",
])
def test_messages_without_words_get_a_calm_reply(harbor: RunningHarbor, sender: str, responses, message):
    assert harbor.texts(message, sender) == [responses["utter_no_words"]]


def test_five_thousand_characters(harbor: RunningHarbor, sender: str, responses):
    texts = harbor.texts("i need help " * 417, sender)
    assert texts[0] == responses["utter_message_cut"]  # read only the first 1,600 characters, and said so
    assert len(texts) == 2
    assert_sms_ready(texts)


def test_another_language_is_told_honestly_in_english(harbor: RunningHarbor, sender: str, responses):
    assert harbor.texts("je ne parle pas anglais", sender) == [responses["utter_other_language"]]


def test_spanish_gets_a_bed_search_in_spanish(harbor: RunningHarbor, sender: str):
    texts = harbor.texts("necesito un lugar para dormir", sender)
    assert_sms_ready(texts)
    assert "Busquemos un lugar seguro" in texts[0]
    assert texts[-1].startswith("¿Donde estas?")  # the place, asked in Spanish
    texts = harbor.texts("fresno", sender)
    assert "Esto encontré para un lugar seguro esta noche, cerca de Fresno" in texts[0]
    assert_sms_ready(texts)
    texts = harbor.texts("16", sender)  # the age narrows them
    assert "Esto encontré para un lugar seguro esta noche, cerca de Fresno" in texts[0]


@pytest.mark.parametrize("message", ["qwpeoriu zxmcnv", "%%%% ^^^ 12345 ;;", "<script>alert(1)</script>",
                                     "'; DROP TABLE events; --"])
def test_junk_gets_the_fallback_menu(harbor: RunningHarbor, sender: str, responses, message):
    texts = harbor.texts(message, sender)
    assert len(texts) == 1
    assert_sms_ready(texts)
    offers_two = texts[0].startswith("Sorry, I'm not sure I got that. Did you mean 1) ")
    assert texts[0] in {responses["utter_fallback"], responses["utter_out_of_scope"]} or offers_two


def test_the_conversation_survives_junk(harbor: RunningHarbor, sender: str, responses):
    harbor.texts("'; DROP TABLE events; --", sender)
    assert harbor.texts("hi", sender) == [responses["utter_greet"]]


@pytest.mark.parametrize("body, content_type", [
    (b"not json", "application/json"),
    (b'{"sender": "x"', "application/json"),
    (b"\xff\xfe\xfd", "application/json"),
])
def test_malformed_requests_are_4xx_not_500(harbor: RunningHarbor, body: bytes, content_type: str):
    response = requests.post(harbor.rest_url, data=body, headers={"Content-Type": content_type, **harbor.auth},
                             timeout=30)
    assert 400 <= response.status_code < 500


def test_missing_message_field_is_not_a_500(harbor: RunningHarbor):
    response = requests.post(harbor.rest_url, json={"sender": "nobody"}, headers=harbor.auth, timeout=30)
    assert response.status_code < 500
