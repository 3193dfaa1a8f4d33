"""Taking over in the console: the buttons an advocate presses, and what they change."""

from __future__ import annotations

import asyncio
import html
import json
import re

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from harbor.core.db import session_scope
from hotline import takeover
from hotline.console.audit import AuditEntry
from tests.hotline.console.conftest import CONVERSATION


async def _post(client: TestClient, path: str, **form: str):
    return await client.post(path, data=form, allow_redirects=False)


async def test_claim_take_over_write_and_hand_back(client: TestClient, sign_in, console_db):
    esc = console_db["escalation_id"]
    csrf = await sign_in("sam")
    assert (await _post(client, f"/escalations/{esc}/takeover", csrf=csrf)).status == 409  # claim first
    assert (await _post(client, f"/escalations/{esc}/claim", csrf=csrf)).status == 303
    page = await (await client.get(f"/escalations/{esc}")).text()
    assert "Take over (the bot goes silent)" in page and "Message to the youth" not in page
    assert (await _post(client, f"/escalations/{esc}/takeover", csrf=csrf)).status == 303
    page = await (await client.get(f"/escalations/{esc}")).text()
    assert "sam is talking with the youth: the bot is silent." in page
    assert "National Human Trafficking Hotline" in page  # a vetted canned reply to start from
    sent = await _post(client, f"/escalations/{esc}/message", csrf=csrf, text="Hi, I'm Sam, an advocate. Are you safe?")
    assert sent.status == 303
    with session_scope() as session:
        assert takeover.holder_of(session, CONVERSATION) == "sam"
        [message] = takeover.messages_for(session, CONVERSATION)
        assert (message.body, message.status) == ("Hi, I'm Sam, an advocate. Are you safe?", takeover.PENDING)
        details = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "message youth")).all()
    assert details == ["1 part(s)"]  # the audit log says who wrote, never what
    assert "sending" in await (await client.get(f"/escalations/{esc}")).text()
    assert (await _post(client, f"/escalations/{esc}/handback", csrf=csrf)).status == 303
    with session_scope() as session:
        assert takeover.holder_of(session, CONVERSATION) is None


async def test_another_advocate_cannot_write_into_a_held_conversation(client: TestClient, sign_in, console_db):
    esc = console_db["escalation_id"]
    csrf = await sign_in("sam")
    await _post(client, f"/escalations/{esc}/claim", csrf=csrf)
    await _post(client, f"/escalations/{esc}/takeover", csrf=csrf)
    await client.post("/logout", data={"csrf": csrf})
    csrf = await sign_in("sue")
    refused = await _post(client, f"/escalations/{esc}/message", csrf=csrf, text="hello")
    assert refused.status == 409 and "take the conversation over first" in await refused.text()
    assert (await _post(client, f"/escalations/{esc}/takeover", csrf=csrf)).status == 409


async def test_closing_hands_the_conversation_back(client: TestClient, sign_in, console_db):
    esc = console_db["escalation_id"]
    csrf = await sign_in("sam")
    await _post(client, f"/escalations/{esc}/claim", csrf=csrf)
    await _post(client, f"/escalations/{esc}/takeover", csrf=csrf)
    closed = await _post(client, f"/escalations/{esc}/close", csrf=csrf, disposition="safety_plan")
    assert closed.status == 303
    with session_scope() as session:
        assert takeover.holder_of(session, CONVERSATION) is None


async def test_the_transcript_stream_sends_the_state_live(client: TestClient, sign_in, console_db):
    esc = console_db["escalation_id"]
    csrf = await sign_in("sam")
    stream = await client.get(f"/escalations/{esc}/stream")
    assert stream.status == 200

    async def next_event() -> dict:
        while True:
            line = (await stream.content.readline()).decode()
            if line.startswith("data: "):
                return json.loads(line[6:])

    first = await asyncio.wait_for(next_event(), 10)
    assert (first["level"], first["holder"], first["turns"]) == ("high", None, [])
    await _post(client, f"/escalations/{esc}/claim", csrf=csrf)
    await _post(client, f"/escalations/{esc}/takeover", csrf=csrf)
    assert (await asyncio.wait_for(next_event(), 10))["holder"] == "sam"
    stream.close()


async def test_an_advocate_finds_a_program_puts_it_in_a_message_and_names_it_when_closing(client, sign_in,
                                                                                          console_db):
    from hotline.console.casework import Closure
    from resources_db.seed import load_seed

    with session_scope() as session:
        load_seed(session)
    esc = console_db["escalation_id"]
    csrf = await sign_in("sam")
    await _post(client, f"/escalations/{esc}/claim", csrf=csrf)
    await _post(client, f"/escalations/{esc}/takeover", csrf=csrf)
    page = await (await client.get(f"/escalations/{esc}", params={"near": "Fresno",
                                                                  "category": "emergency_shelter"})).text()
    found = re.findall(r'<option value="([0-9a-f-]{36})">([^<]+)</option>', page)
    assert found, "no program found near Fresno"
    assert "Put in my message" in page and "Referred to (from your search)" in page
    unknown = await (await client.get(f"/escalations/{esc}", params={"near": "Atlantis"})).text()
    assert 'role="alert"' in unknown
    service_id, name = found[0]
    closed = await _post(client, f"/escalations/{esc}/close", csrf=csrf, disposition="referred",
                         resource_id=service_id)
    assert closed.status == 303
    with session_scope() as session:
        closure = session.get(Closure, esc)
        assert (closure.disposition, closure.resource_id) == ("referred", service_id)
        assert closure.resource_name == html.unescape(name)
