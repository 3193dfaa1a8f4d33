"""Handing an escalation on: to a colleague who accepts, back after the timeout, to the queue, or
reassigned by a supervisor; the conversation's hold moves with it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from harbor.core.db import session_scope
from hotline import takeover
from hotline.console import transfers
from hotline.console.casework import claim
from hotline.models import Escalation
from tests.hotline.console.conftest import CONVERSATION

NOW = datetime(2026, 11, 26, 12, 0)


def _holder(escalation_id: int) -> tuple[str | None, str | None]:
    with session_scope() as session:
        return session.get(Escalation, escalation_id).acknowledged_by, takeover.holder_of(session, CONVERSATION)


def test_a_colleague_accepts_and_the_conversation_goes_with_it(console_db):
    esc = console_db["escalation_id"]
    with session_scope() as session:
        claim(session, esc, "sam", NOW)
        takeover.take_over(session, esc, "sam", NOW)
        transfers.offer(session, esc, "sam", "Sue", "she trusts women more; safe word is blue", NOW)
        with pytest.raises(transfers.TransferError, match="waiting already"):
            transfers.offer(session, esc, "sam", "ada", "", NOW)
        [offer] = transfers.pending_for(session, "sue", NOW + timedelta(minutes=1))
        assert (offer.escalation_id, offer.from_user, offer.minutes_left) == (esc, "sam", 4)
    assert _holder(esc) == ("sam", "sam")  # until accepted, the sender still holds it
    with session_scope() as session:
        transfers.accept(session, esc, "sue", NOW + timedelta(minutes=2))
    assert _holder(esc) == ("sue", "sue")


def test_an_offer_not_accepted_in_time_goes_back(console_db):
    esc = console_db["escalation_id"]
    with session_scope() as session:
        claim(session, esc, "sam", NOW)
        transfers.offer(session, esc, "sam", "sue", "", NOW)
    with session_scope() as session:
        assert transfers.pending_for(session, "sue", NOW + timedelta(minutes=6)) == []
        with pytest.raises(transfers.TransferError, match="gone back"):
            transfers.accept(session, esc, "sue", NOW + timedelta(minutes=6))
    assert _holder(esc) == ("sam", None)


def test_back_to_the_queue_releases_it_and_anyone_may_claim_it(console_db):
    esc = console_db["escalation_id"]
    with session_scope() as session:
        claim(session, esc, "sam", NOW)
        takeover.take_over(session, esc, "sam", NOW)
        transfers.offer(session, esc, "sam", None, "shift over", NOW)
    assert _holder(esc) == (None, None)  # the bot answers again meanwhile
    with session_scope() as session:
        claim(session, esc, "sue", NOW)
    assert _holder(esc) == ("sue", None)


def test_a_supervisor_reassigns_at_once(console_db):
    esc = console_db["escalation_id"]
    with session_scope() as session:
        claim(session, esc, "sam", NOW)
        takeover.take_over(session, esc, "sam", NOW)
        transfers.reassign(session, esc, "sue", "ada", NOW)
    assert _holder(esc) == ("ada", "ada")


async def test_the_queue_page_lists_what_is_handed_to_you(client: TestClient, sign_in, console_db):
    esc = console_db["escalation_id"]
    csrf = await sign_in("sam")
    await client.post(f"/escalations/{esc}/claim", data={"csrf": csrf})
    handed = await client.post(f"/escalations/{esc}/transfer", data={"csrf": csrf, "to": "sue", "note": "call back"},
                               allow_redirects=False)
    assert handed.status == 303
    reassign = await client.post(f"/escalations/{esc}/reassign", data={"csrf": csrf, "to": "ada"})
    assert reassign.status == 403  # an advocate cannot reassign
    await client.post("/logout", data={"csrf": csrf})
    csrf = await sign_in("sue")
    assert f'href="/escalations/{esc}">ESC-{esc}</a> from sam' in await (await client.get("/")).text()
    page = await (await client.get(f"/escalations/{esc}")).text()
    assert "Handed on by sam to sue: call back" in page and "sam is handing this to you" in page
    accepted = await client.post(f"/escalations/{esc}/accept", data={"csrf": csrf}, allow_redirects=False)
    assert accepted.status == 303
    assert _holder(esc)[0] == "sue"
