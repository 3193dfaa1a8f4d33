"""The console's sign-in is open to the internet: whatever a POST /login carries (odd names, passwords and
codes, NUL bytes, extra fields, a right password with a wrong code), the answer is a page, never a 5xx,
and nobody is signed in without all three parts right. On SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from harbor.core.db import session_scope
from hotline.console import accounts
from hotline.console.web import THROTTLE, make_app
from hotline.console.web_security import LoginThrottle
from tests.threaded_serving import aiohttp_serving, in_thread

PASSWORD = "correct horse battery"
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
texts = st.text(max_size=200)  # every Unicode character, NUL included
fields = st.fixed_dictionaries({}, optional={
    "username": st.one_of(st.sampled_from(["sam", "SAM ", "ada"]), texts),
    "password": st.one_of(st.just(PASSWORD), texts),
    "code": st.one_of(st.from_regex(r"\A[0-9]{6}\Z"), texts),
    "next": texts,
    "csrf": texts,  # a forged token (a real one replaces it when with_csrf)
})


def _console() -> object:
    app = make_app()
    # Unlimited tries from the one test address: every example reaches the password check, not a 429.
    app[THROTTLE] = LoginThrottle(limits={"pair": 10**6, "addr": 10**6})
    return app


@pytest.fixture
def console(scratch_db_url: str, tmp_path, monkeypatch) -> Iterator[requests.Session]:
    """A console on its own database with an advocate (password only) and an admin (password and code),
    and a browser session holding the sign-in form's CSRF token."""
    monkeypatch.setenv("DATABASE_URL", scratch_db_url)
    monkeypatch.setenv("HARBOR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("HARBOR_ID_SECRET", raising=False)
    with session_scope() as session:
        accounts.add_user(session, "sam", "advocate", PASSWORD)
        accounts.add_user(session, "ada", "admin", PASSWORD)
    with in_thread(aiohttp_serving(_console)) as base, requests.Session() as browser:
        browser.base = base  # type: ignore[attr-defined]
        yield browser


def _csrf(browser: requests.Session) -> str:
    page = browser.get(f"{browser.base}/login", timeout=30)  # type: ignore[attr-defined]
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


@FUZZ
@given(form=fields, with_csrf=st.booleans())
# Each was a 500 before: a non-ASCII code after a right password, a non-ASCII forged CSRF token.
@example(form={"username": "ada", "password": PASSWORD, "code": "12345\u00e9"}, with_csrf=True)
@example(form={"username": "sam", "password": PASSWORD, "csrf": "\u00e9"}, with_csrf=False)
@example(form={"username": "sa\x00m", "password": PASSWORD}, with_csrf=True)
def test_sign_in_never_answers_5xx_nor_lets_a_wrong_form_in(console: requests.Session, form, with_csrf):
    console.cookies.clear()
    data = {**form, "csrf": _csrf(console)} if with_csrf else form
    answer = console.post(f"{console.base}/login", data=data, allow_redirects=False,  # type: ignore[attr-defined]
                          timeout=30)
    assert answer.status_code < 500, answer.text[:300]
    signed_in = answer.status_code == 303
    rightful = (with_csrf and form.get("username", "").strip().lower() == "sam"
                and form.get("password") == PASSWORD)
    assert signed_in == rightful  # "ada" needs her current code too, which no example has
    assert answer.status_code in ((303,) if rightful else (401, 403))
