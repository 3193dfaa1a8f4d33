"""Without an auth token the SMS webhook never runs unsigned: every request is refused."""

from __future__ import annotations

from types import SimpleNamespace

from channels.sms import SmsInput, twiml_message


def test_without_an_auth_token_nothing_is_accepted(monkeypatch, caplog):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    channel = SmsInput()
    assert "refuse every request" in caplog.text
    request = SimpleNamespace(headers={"X-Twilio-Signature": "anything"}, scheme="http", host="h",
                              path="/webhooks/sms/webhook", query_string="")
    assert channel._signed(request, {"From": "+15105550100", "Body": "hi"}) is False


def test_twiml_escapes_text():
    assert twiml_message("a < b & c").endswith("<Message>a &lt; b &amp; c</Message></Response>")
