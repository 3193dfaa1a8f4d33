"""Whatever the internet sends to the Rasa server's public routes, it never gets a 5xx, and a request that
is not Twilio's never reaches the bot or makes Harbor send an SMS: the SMS webhook and status callback
(unsigned, wrongly signed, and signed with odd fields), the REST channel without or with a wrong token,
and the web chat's HTTP routes. One real app serves every example (hypothesis, with `requests`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sanic import Sanic

from channels.rest import TokenRestInput
from channels.sms import SendRetry, SmsInput
from channels.webchat import WebChatPage
from tests.channels.sms_support import Agent, RecordingBot, signed_headers
from tests.fakes.twilio_api import make_app as fake_twilio_app
from tests.sanic_serving import serving
from tests.threaded_serving import aiohttp_serving, in_thread

FORM = "application/x-www-form-urlencoded"
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMS_PATHS = ("/webhooks/sms/webhook", "/webhooks/sms/status")
TWILIO_FIELDS = ("From", "To", "Body", "MessageSid", "AccountSid", "NumMedia", "MediaUrl0", "Latitude",
                 "Longitude", "MessageStatus", "ErrorCode", "SmsStatus")

texts = st.text(max_size=300)  # every Unicode character, surrogates aside (they cannot travel as UTF-8)
forms = st.dictionaries(st.one_of(st.sampled_from(TWILIO_FIELDS), st.text(min_size=1, max_size=30)), texts,
                        max_size=8)
# What Twilio's own requests hold, each field possibly odd: reaches past the checks for From and MessageSid.
signed_forms = st.fixed_dictionaries(
    {"From": st.one_of(st.just("+15105550123"), texts), "MessageSid": st.text(min_size=1, max_size=80)},
    optional={name: texts for name in TWILIO_FIELDS if name not in ("From", "MessageSid")})
bodies = st.one_of(
    forms.map(lambda form: requests.models.RequestEncodingMixin._encode_params(form).encode()),
    st.binary(max_size=2000),
    st.binary(min_size=64 * 1024 - 8, max_size=64 * 1024 + 8),  # around the body cap
)
content_types = st.sampled_from([FORM, f"{FORM}; charset=latin-1", "application/json", "text/plain",
                                 "multipart/form-data; boundary=x", ""])


@dataclass
class Served:
    base: str
    bot: RecordingBot


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The SMS, REST and web chat channels on one Sanic app, as the Rasa server mounts them, with a fake
    Twilio behind the SMS channel; a fresh SQLite database and var/ directory."""
    tmp = tmp_path_factory.mktemp("fuzz-public")
    with pytest.MonkeyPatch.context() as patch, in_thread(aiohttp_serving(fake_twilio_app)) as twilio_url:
        for name, value in {"DATABASE_URL": f"sqlite:///{tmp / 'harbor.db'}", "HARBOR_VAR_DIR": str(tmp / "var"),
                            "TWILIO_ACCOUNT_SID": "ACfake", "TWILIO_AUTH_TOKEN": "fake-token",
                            "TWILIO_FROM_NUMBER": "+14155550000", "TWILIO_API_BASE_URL": twilio_url,
                            "HARBOR_REST_TOKEN": "the-right-token"}.items():
            patch.setenv(name, value)
        for name in ("HARBOR_PUBLIC_URL", "HARBOR_ID_SECRET"):
            patch.delenv(name, raising=False)
        bot = RecordingBot()
        app = Sanic(f"fuzz-{uuid.uuid4().hex[:8]}")
        app.ctx.agent = Agent()
        sms = SmsInput()
        sms.send_retry = SendRetry(attempts=2, first_delay_seconds=0.01)
        app.blueprint(sms.blueprint(bot), url_prefix="/webhooks/sms")
        app.blueprint(TokenRestInput().blueprint(bot), url_prefix="/webhooks/rest")
        chat = WebChatPage()
        app.blueprint(chat.blueprint(bot), url_prefix=chat.url_prefix())
        with in_thread(lambda: serving(app)) as base:
            yield Served(base, bot)


def _no_5xx(answer: requests.Response) -> None:
    assert answer.status_code < 500, (answer.status_code, answer.text[:200])


@FUZZ
@given(path=st.sampled_from(SMS_PATHS), body=bodies, content_type=content_types,
       # A header value with leading or trailing spaces cannot be sent at all (requests refuses it client-side).
       signature=st.one_of(st.none(), st.text(max_size=60).filter(
           lambda s: s.isascii() and s.isprintable() and s == s.strip())))
def test_sms_routes_refuse_what_twilio_did_not_sign(served: Served, path, body, content_type, signature):
    headers = {"Content-Type": content_type} if content_type else {}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    seen = len(served.bot.seen)
    answer = requests.post(served.base + path, data=body, headers=headers, timeout=30)
    _no_5xx(answer)
    assert answer.status_code in (400, 403, 413, 415)
    assert "<Message>" not in answer.text  # no reply in the TwiML either
    assert len(served.bot.seen) == seen


@FUZZ
@given(form=forms, path=st.sampled_from(SMS_PATHS))
def test_a_signature_by_another_key_is_refused(served: Served, form, path):
    url = served.base + path
    headers = {**signed_headers(url, form, token="not-the-token"), "Content-Type": FORM}
    answer = requests.post(url, data=form, headers=headers, timeout=30)
    assert answer.status_code == 403


@FUZZ
@given(body=st.one_of(st.binary(max_size=2000), st.dictionaries(st.text(max_size=20), texts).map(
           lambda d: requests.models.complexjson.dumps(d).encode())),
       authorization=st.one_of(st.none(), st.just("Bearer not-the-token"), st.just("the-right-token"),
                               st.text(max_size=80).filter(
                                   lambda s: s.isascii() and s.isprintable() and s == s.strip())))
def test_rest_without_the_token_is_refused(served: Served, body, authorization):
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    seen = len(served.bot.seen)
    answer = requests.post(f"{served.base}/webhooks/rest/webhook", data=body, headers=headers, timeout=30)
    assert answer.status_code == 401
    assert len(served.bot.seen) == seen


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | texts,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                           max_leaves=8)


@FUZZ
@given(route=st.sampled_from(["history", "left"]), body=st.one_of(
           st.binary(max_size=500),
           st.dictionaries(st.sampled_from(["token", "after", "x"]), json_values, max_size=3).map(
               lambda d: requests.models.complexjson.dumps(d).encode())),
       session=st.one_of(st.none(), st.text(max_size=600).filter(lambda s: s.isascii() and s.isprintable())),
       after=st.one_of(st.none(), st.text(max_size=20)))
def test_web_chat_routes_never_5xx(served: Served, route, body, session, after):
    headers = {"X-Harbor-Session": session} if session is not None else {}
    params = {"after": after} if after is not None else None
    answer = requests.post(f"{served.base}/chat/{route}", data=body, headers=headers, params=params, timeout=30)
    _no_5xx(answer)
    assert answer.status_code in (400, 403)  # no valid session was ever issued here
    got = requests.get(f"{served.base}/chat/history", headers=headers, params=params, timeout=30)
    _no_5xx(got)


@FUZZ
@given(path=st.text(max_size=60))
@example(path="\U0001d4e3" * 60)  # once a 500: a name too long for the filesystem (found by this test in CI)
def test_web_chat_static_files_never_5xx_and_never_leave_their_folder(served: Served, path):
    answer = requests.get(f"{served.base}/chat/static/{requests.utils.quote(path)}", timeout=30)
    _no_5xx(answer)


@FUZZ
@given(form=signed_forms, path=st.sampled_from(SMS_PATHS))
def test_signed_requests_with_odd_fields_never_get_a_5xx(served: Served, form, path):
    # Last in the file: the bot handles these in the background, and the tests above count its messages.
    # Twilio signs what it sends; this is what a bug of theirs, or a replayed capture edited, could look like.
    url = served.base + path
    answer = requests.post(url, data=form, headers={**signed_headers(url, form), "Content-Type": FORM}, timeout=30)
    _no_5xx(answer)
