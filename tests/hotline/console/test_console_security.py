"""What a careful attacker, a dismissed advocate or a hurried colleague could try (the security review)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pyotp
import pytest
from aiohttp.test_utils import TestClient

from harbor.core.db import session_scope
from hotline import takeover
from hotline.console import accounts, transfers
from hotline.console.casework import Closure, claim
from hotline.console.rendering import csv_cell
from hotline.models import Escalation
from tests.hotline.console.conftest import CONVERSATION, PASSWORD, csrf_of


async def test_only_the_holder_or_a_supervisor_closes_and_nobody_ends_someone_elses_hold(client, sign_in, console_db):
    esc = console_db["escalation_id"]
    with session_scope() as session:
        accounts.add_user(session, "bob", "advocate", PASSWORD)
        claim(session, esc, "sam", datetime.utcnow())
        takeover.take_over(session, esc, "sam", datetime.utcnow())
    csrf = await sign_in("bob")
    refused = await client.post(f"/escalations/{esc}/close", data={"csrf": csrf, "disposition": "not_a_risk"})
    assert refused.status == 409 and "only they or a supervisor" in await refused.text()
    with session_scope() as session:
        assert takeover.holder_of(session, CONVERSATION) == "sam"
    await client.post("/logout", data={"csrf": csrf})
    csrf = await sign_in("sue")
    closed = await client.post(f"/escalations/{esc}/close", data={"csrf": csrf, "disposition": "safety_plan"},
                               allow_redirects=False)
    assert closed.status == 303


async def test_disabling_an_account_or_changing_its_password_ends_its_sessions(client, sign_in):
    await sign_in("sam")
    assert (await client.get("/queue.json")).status == 200
    with session_scope() as session:
        accounts.set_password(session, "sam", "a brand new passphrase")
    assert (await client.get("/queue.json")).status == 401
    await sign_in("sam", password="a brand new passphrase")
    with session_scope() as session:
        accounts.disable(session, "sam")
    assert (await client.get("/queue.json")).status == 401


async def test_guesses_sent_all_at_once_are_counted_too(client: TestClient, console_db):
    form = csrf_of(await (await client.get("/login")).text())
    answers = await asyncio.gather(*[client.post("/login", data={"csrf": form, "username": "sam",
                                                                 "password": f"wrong guess {n}!!"})
                                     for n in range(12)])
    assert sum(a.status == 429 for a in answers) >= 12 - 5


async def test_a_code_works_once(client: TestClient, console_db):
    code = pyotp.TOTP(console_db["secrets"]["ada"]).now()
    with session_scope() as session:
        assert accounts.authenticate(session, "ada", PASSWORD, code) is not None
    with session_scope() as session:
        assert accounts.authenticate(session, "ada", PASSWORD, code) is None


def test_an_offer_lapses_when_the_escalation_was_reassigned_meanwhile(console_db):
    esc = console_db["escalation_id"]
    now = datetime.utcnow()
    with session_scope() as session:
        accounts.add_user(session, "bob", "advocate", PASSWORD)
        claim(session, esc, "sam", now)
        transfers.offer(session, esc, "sam", "bob", "", now)
        transfers.reassign(session, esc, "sue", "ada", now)
    with session_scope() as session:
        assert transfers.pending_for(session, "bob", now) == []
        assert session.get(Escalation, esc).acknowledged_by == "ada"


def test_a_two_way_claim_has_one_winner(console_db):
    esc = console_db["escalation_id"]
    now = datetime.utcnow()
    with session_scope() as session:
        claim(session, esc, "sam", now)
    with session_scope() as session, pytest.raises(ValueError, match="held by sam"):
        claim(session, esc, "sue", now)
    with session_scope() as session:
        assert session.get(Escalation, esc).acknowledged_by == "sam"


def test_spreadsheet_formulas_are_exported_as_text():
    assert csv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and csv_cell("sam") == "sam"


async def test_a_wrong_name_is_logged_as_unknown_never_as_typed(client: TestClient, sign_in, console_db):
    form = csrf_of(await (await client.get("/login")).text())
    await client.post("/login", data={"csrf": form, "username": "my password is hunter22", "password": "x"})
    await sign_in("ada")
    audit = await (await client.get("/audit")).text()
    assert "hunter22" not in audit and "(unknown name)" in audit


def test_erasing_a_conversation_clears_what_advocates_wrote_about_it(console_db):
    from channels.erasure import erase
    from hotline.console.casework import close

    esc = console_db["escalation_id"]
    now = datetime.utcnow()
    with session_scope() as session:
        claim(session, esc, "sam", now)
        transfers.offer(session, esc, "sam", "sue", "her brother's name is Jay", now)
        transfers.accept(session, esc, "sue", now)
        close(session, esc, "sue", "cse_suspected", "lives behind the market", now)
    with session_scope() as session:
        erase(session, CONVERSATION)
    with session_scope() as session:
        closure = session.get(Closure, esc)
        assert (closure.disposition, closure.note) == ("cse_suspected", "")
        assert transfers.latest_note(session, esc).note == ""


def test_behind_our_own_proxy_the_forwarded_client_is_counted_and_nobody_else_can_claim_to_be_one():
    from aiohttp.test_utils import make_mocked_request

    from hotline.console.web_security import client_address

    proxy = frozenset({"10.0.0.5"})

    def asked(peer: str, forwarded: str | None) -> str | None:
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        request = make_mocked_request("POST", "/login", headers=headers,
                                      transport=_Transport(peer))
        return client_address(request, proxy)

    assert asked("10.0.0.5", "203.0.113.7") == "203.0.113.7"
    assert asked("10.0.0.5", "198.51.100.1, 203.0.113.7") == "203.0.113.7"  # the proxy appended the last one
    assert asked("203.0.113.9", "198.51.100.1") == "203.0.113.9"  # a stranger's header is ignored


class _Transport:
    def __init__(self, peer: str) -> None:
        self.peer = peer

    def get_extra_info(self, name: str, default: object = None) -> object:
        return (self.peer, 443) if name == "peername" else default
