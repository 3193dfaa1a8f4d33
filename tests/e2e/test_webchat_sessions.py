"""Attacks on web chat sessions, over real sockets (python-socketio's client) against `harbor up`.

Page A is a youth who made a safety plan; socket B is someone who knows or guesses A's
conversation id, or sends a phone number as a session id. B must never see or add to A's
conversation; Harbor, not the page, decides which conversation a socket is.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from typing import Any
from unittest import mock

import pytest
import requests
import socketio

from channels.limits import MAX_MESSAGE_CHARS, cut_notice
from channels.web_sessions import SessionTokens
from harbor.core.secret_store import fernet_key
from tests.e2e.conftest import RunningHarbor

pytestmark = pytest.mark.e2e
# A safeguard against a hung server, never an assertion about speed.
WAIT_SECONDS = 60
CODE_WORD = "pineapple"


@pytest.fixture(scope="module")
def responses(domain: dict) -> dict[str, str]:
    """The replies as the web chat shows them: type and tap, not text and reply (channels/web_wording.py)."""
    from channels.web_wording import for_web

    return {name: for_web(next(v for v in variations if not v.get("condition") and not v.get("channel"))["text"])
            for name, variations in domain["responses"].items()}


def conversation_of(harbor: RunningHarbor, token: str) -> str:
    """The conversation a token names, read with the running Harbor's own key (tests only:
    the page itself never learns it)."""
    env = {name: harbor.env[name] for name in ("HARBOR_VAR_DIR", "HARBOR_ID_SECRET") if name in harbor.env}
    with mock.patch.dict(os.environ, env):
        claim = SessionTokens(fernet_key("web_session")).read(token)
    assert claim is not None, "not a token of this Harbor"
    return claim.conversation_id


class ChatSocket:
    """One page's socket: the session confirmations and bot messages it received, in order."""

    def __init__(self, harbor: RunningHarbor) -> None:
        self.harbor = harbor
        self.client = socketio.AsyncClient(reconnection=False)
        self.confirms: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.client.on("session_confirm", self.confirms.put_nowait)
        self.client.on("bot_uttered", self.messages.put_nowait)
        self.token: str | None = None

    async def connect(self) -> ChatSocket:
        await self.client.connect(self.harbor.rasa_url, socketio_path="/socket.io", transports=["polling"])
        return self

    async def session(self, request: Any = None) -> dict[str, Any]:
        """Ask for a session with any payload; returns Harbor's confirmation."""
        await self.client.emit("session_request", {} if request is None else request)
        confirm = await asyncio.wait_for(self.confirms.get(), WAIT_SECONDS)
        self.token = confirm["token"]
        return confirm

    @property
    def conversation(self) -> str:
        assert self.token is not None
        return conversation_of(self.harbor, self.token)

    async def say(self, text: str, **extra: Any) -> None:
        await self.client.emit("user_uttered", {"message": text, **extra})

    async def next_message(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.messages.get(), WAIT_SECONDS)

    async def ask(self, text: str, replies: int = 1, **extra: Any) -> list[str]:
        """Send `text`; the texts of the next `replies` bot messages."""
        await self.say(text, **extra)
        return [(await self.next_message())["text"] for _ in range(replies)]

    async def close(self) -> None:
        await self.client.disconnect()


@pytest.fixture
async def sockets(harbor: RunningHarbor):
    opened: list[ChatSocket] = []

    async def open_socket(session: bool = True) -> ChatSocket:
        chat = await ChatSocket(harbor).connect()
        opened.append(chat)
        if session:
            await chat.session()
        return chat

    yield open_socket
    for chat in opened:
        await chat.close()


async def make_plan(page: ChatSocket, responses: dict[str, str]) -> str:
    """A builds a safety plan; returns the plan as the bot showed it."""
    intro = [responses["utter_safety_plan_intro"], responses["utter_ask_plan_place"]]
    assert await page.ask("PLAN", replies=2) == intro
    assert await page.ask("the library on 5th") == [responses["utter_ask_plan_person"]]
    assert await page.ask("my aunt") == [responses["utter_ask_plan_number"]]
    assert await page.ask("my moms cell") == [responses["utter_ask_plan_code_word"]]
    [plan] = await page.ask(CODE_WORD)
    assert CODE_WORD in plan
    return plan


def tracker_user_texts(harbor: RunningHarbor, conversation_id: str) -> list[str]:
    """What the conversation's stored events say the user wrote (read from the database, so the
    check itself creates nothing)."""
    database = harbor.var_dir / "harbor.db"
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
                          (conversation_id,)).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def stored_events(harbor: RunningHarbor, conversation_id: str) -> int:
    with sqlite3.connect(harbor.var_dir / "harbor.db") as db:
        return db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (conversation_id,)).fetchone()[0]


def history(harbor: RunningHarbor, token: str | None, after: int = 0) -> requests.Response:
    headers = {"X-Harbor-Session": token} if token else {}
    return requests.get(f"{harbor.rasa_url}/chat/history", params={"after": after}, headers=headers, timeout=30)


def push(harbor: RunningHarbor, conversation_id: str, action: str) -> None:
    """An advocate's later message, as the console sends it: to whichever channel the youth used last."""
    pushed = requests.post(f"{harbor.rasa_url}/conversations/{conversation_id}/execute",
                           params={"token": harbor.env["HARBOR_RASA_TOKEN"], "output_channel": "latest"},
                           json={"name": action}, timeout=60)
    assert pushed.status_code == 200, pushed.text


async def test_a_session_id_chosen_by_the_page_is_never_honoured(harbor: RunningHarbor, sockets, responses):
    a = await sockets()
    plan = await make_plan(a, responses)
    b = await sockets(session=False)
    seen = {a.conversation}
    attempts = [{"session_id": a.conversation}, {"session_id": a.conversation.removeprefix("web:")},
                {"session_id": "+14155550123"}, {"token": a.conversation},
                {"session_id": a.conversation, "token": "gAAAAforged"}, "not even an object"]
    for chosen in attempts:
        confirm = await b.session(chosen)
        assert confirm["resumed"] is False
        assert b.conversation not in seen and b.conversation.startswith("web:")
        seen.add(b.conversation)
    # B sees none of A's plan, through the bot or through history.
    assert await b.ask("MY PLAN") == [responses["utter_no_safety_plan"]]
    b_history = history(harbor, b.token)
    assert b_history.status_code == 200 and CODE_WORD not in b_history.text
    # An advocate writing to A reaches A's page, and not B, who asked for A's id.
    push(harbor, a.conversation, "utter_thanks")
    assert (await a.next_message())["text"] == responses["utter_thanks"]
    assert await b.ask("hi") == [responses["utter_greet"]]  # nothing of A's arrived before it
    assert plan in [m["text"] for m in history(harbor, a.token).json()["messages"]]


async def test_a_message_counts_only_for_its_own_sockets_session(harbor: RunningHarbor, sockets, responses):
    a = await sockets()
    await make_plan(a, responses)
    b = await sockets()
    # B names A's conversation (and A's token) in the message: it still lands in B's own.
    assert await b.ask("MY PLAN", session_id=a.conversation, token=a.token) == [responses["utter_no_safety_plan"]]
    assert tracker_user_texts(harbor, b.conversation) == ["MY PLAN"]
    assert "MY PLAN" not in tracker_user_texts(harbor, a.conversation)
    # A's page was not sent anything by B's message.
    assert await a.ask("thanks") == [responses["utter_thanks"]]


async def test_a_socket_without_a_session_gets_nothing_processed(harbor: RunningHarbor, sockets, responses):
    a = await sockets()
    await make_plan(a, responses)
    b = await sockets(session=False)
    await b.say("MY PLAN", session_id=a.conversation)
    await b.say("DELETE", session_id=a.conversation)
    await b.session()
    # The first thing B ever receives is the answer to its first message after its session.
    assert await b.ask("MENU") == [responses["utter_menu"]]
    assert tracker_user_texts(harbor, b.conversation) == ["MENU"]
    assert await a.ask("thanks") == [responses["utter_thanks"]]
    assert "MY PLAN" not in tracker_user_texts(harbor, a.conversation)
    assert await a.ask("MY PLAN") != [responses["utter_erase_confirm_web"]]  # B's DELETE never counted for A


async def test_the_pages_own_token_reopens_its_conversation(harbor: RunningHarbor, sockets, responses):
    a = await sockets()
    assert await a.ask("hi") == [responses["utter_greet"]]
    first_token, conversation = a.token, a.conversation
    await a.close()  # the network drops; the page reconnects with the token it holds
    again = await sockets(session=False)
    confirm = await again.session({"token": first_token})
    assert confirm["resumed"] is True and again.conversation == conversation
    assert confirm["token"] != first_token  # a fresh token for the same conversation
    assert await again.ask("thanks") == [responses["utter_thanks"]]
    assert tracker_user_texts(harbor, conversation) == ["hi", "thanks"]
    # One changed character, and it is somebody else's fresh session.
    tampered = first_token[:20] + ("A" if first_token[20] != "A" else "B") + first_token[21:]
    other = await sockets(session=False)
    confirm = await other.session({"token": tampered})
    assert confirm["resumed"] is False and other.conversation != conversation


async def test_history_takes_the_token_in_a_header_never_the_url(harbor: RunningHarbor, sockets, responses):
    a = await sockets()
    plan = await make_plan(a, responses)
    url = f"{harbor.rasa_url}/chat/history"
    for query in ({"session_id": a.conversation}, {"session_id": a.token}, {"token": a.token},
                  {"session_id": a.conversation, "after": 0}):
        refused = requests.get(url, params=query, timeout=30)
        assert refused.status_code == 400 and CODE_WORD not in refused.text and "library" not in refused.text
        assert refused.headers["Cache-Control"].startswith("no-store")
    # Even with the right header, a session in the URL is refused.
    assert requests.get(url, params={"session_id": a.conversation}, headers={"X-Harbor-Session": a.token},
                        timeout=30).status_code == 400
    shown = history(harbor, a.token).json()["messages"]
    assert [m["text"] for m in shown][-2:] == [responses["utter_ask_plan_code_word"], plan]
    assert history(harbor, a.token, after=len(shown) - 1).json()["messages"] == [{"text": plan}]
    posted = requests.post(url, json={"token": a.token, "after": len(shown) - 1}, timeout=30)
    assert posted.status_code == 200 and posted.json()["messages"] == [{"text": plan}]
    for bad in (None, a.conversation, a.token[:-3] + "abc", "+14155550123"):
        denied = history(harbor, bad)
        assert denied.status_code == 403 and CODE_WORD not in denied.text


async def test_a_very_long_message_is_cut_and_the_page_is_told(harbor: RunningHarbor, sockets):
    a = await sockets()
    text = "where can i sleep tonight " + "a" * (2 * MAX_MESSAGE_CHARS)
    await a.say(text)
    assert await a.next_message() == {"text": cut_notice(), "local": True}
    await a.next_message()  # the bot's answer to what it read
    # Rasa stores the turn once all its actions ran, which can be after the first reply went out.
    deadline = asyncio.get_running_loop().time() + 10
    while not tracker_user_texts(harbor, a.conversation) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.2)
    assert tracker_user_texts(harbor, a.conversation) == [text[:MAX_MESSAGE_CHARS]]
    # The notice is Harbor's own, not the bot's: history (what a reconnecting page catches up
    # from) holds only the bot's answer.
    assert cut_notice() not in history(harbor, a.token).text


async def test_delete_in_web_chat_erases_and_the_page_starts_over(harbor: RunningHarbor, sockets, responses):
    a = await sockets()
    await make_plan(a, responses)
    old_conversation, old_token = a.conversation, a.token
    await a.say("DELETE")
    assert await a.next_message() == {"text": responses["utter_erase_confirm_web"], "local": True}
    assert "DELETE" not in tracker_user_texts(harbor, old_conversation)  # the bot never saw it
    await a.say("YES")
    confirm = await asyncio.wait_for(a.confirms.get(), WAIT_SECONDS)
    assert confirm["erased"] is True and confirm["resumed"] is False
    a.token = confirm["token"]
    assert a.conversation != old_conversation
    assert await a.next_message() == {"text": responses["utter_erased"], "local": True}
    assert stored_events(harbor, old_conversation) == 0
    assert CODE_WORD not in history(harbor, old_token).text
    # The page carries on in a new, empty conversation.
    assert await a.ask("MY PLAN") == [responses["utter_no_safety_plan"]]


def test_socket_responses_are_not_cached_and_the_page_talks_only_to_harbor(harbor: RunningHarbor):
    polling = requests.get(f"{harbor.rasa_url}/socket.io/", params={"EIO": "4", "transport": "polling"}, timeout=30)
    assert polling.status_code == 200 and polling.headers["Cache-Control"] == "no-store"
    csp = requests.get(f"{harbor.rasa_url}/chat", timeout=30).headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["connect-src"] == "'self'"  # no ws:/wss: to any host
    assert directives["frame-ancestors"] == "'none'"
