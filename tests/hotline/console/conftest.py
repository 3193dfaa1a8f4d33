"""A console app on a fresh database with three users and one open escalation, and a signed-in client."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import pyotp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from harbor.core.db import session_scope
from hotline.console import accounts
from hotline.console.web import make_app
from hotline.escalations import open_or_update
from tests.hotline.support import config, database

PASSWORD = "correct horse battery"
CONVERSATION = "web:" + "c" * 32


@pytest.fixture
def console_db(db_url: str, tmp_path: Path) -> dict:
    """Users admin (TOTP), supervisor (TOTP), advocate (password only); one open high escalation."""
    database(tmp_path, url=db_url)
    secrets = {}
    with session_scope() as session:
        for name, role in (("ada", "admin"), ("sue", "supervisor"), ("sam", "advocate")):
            _, factor = accounts.add_user(session, name, role, PASSWORD)
            secrets[name] = factor.secret if factor else None
        opened = open_or_update(session, CONVERSATION, "socketio", "high", ["exploitation"], config(),
                                datetime.utcnow())
        escalation_id = opened.escalation_id
    return {"secrets": secrets, "escalation_id": escalation_id}


@pytest.fixture
async def client(console_db: dict) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(make_app())) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def sign_in(client: TestClient, console_db: dict) -> Callable:
    async def as_user(name: str, password: str = PASSWORD, code: str | None = None) -> str:
        """Signs in; returns the CSRF token of the signed-in session (from the queue page)."""
        form = csrf_of(await (await client.get("/login")).text())
        secret = console_db["secrets"].get(name)
        if code is None and secret:
            code = pyotp.TOTP(secret).now()
        response = await client.post("/login", data={"csrf": form, "username": name, "password": password,
                                                     "code": code or ""}, allow_redirects=False)
        assert response.status == 303, await response.text()
        return csrf_of(await (await client.get("/")).text())
    return as_user
