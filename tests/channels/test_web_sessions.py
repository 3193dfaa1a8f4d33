"""Web chat sessions (channels/web_sessions.py) and the history the page catches up from
(channels/webchat.py page_messages): no Rasa server, no model."""

from __future__ import annotations

import base64
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet

from channels.web_sessions import (
    IDLE_LIMIT_SECONDS,
    SessionTokens,
    SocketSessions,
    is_web_conversation,
    new_conversation_id,
    resume,
)
from channels.webchat import page_messages

KEY = Fernet.generate_key()
NOW = 1_700_000_000.0
HOUR = 3600


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def tokens(clock: Clock | None = None, key: bytes = KEY) -> SessionTokens:
    return SessionTokens(key=key, clock=clock or Clock())


class FakeStore:
    """A tracker store holding conversations whose latest event happened at a given time."""

    def __init__(self, last_event: dict[str, float]) -> None:
        self.last_event = last_event

    async def retrieve(self, conversation_id: str):
        if conversation_id not in self.last_event:
            return None
        return SimpleNamespace(events=[SimpleNamespace(timestamp=self.last_event[conversation_id])])


def test_conversation_ids_are_web_only_and_unguessable():
    ids = {new_conversation_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(is_web_conversation(i) and len(i) == len("web:") + 32 for i in ids)
    # Another channel's ids are never web conversations, whatever a page sends.
    assert not any(is_web_conversation(i) for i in ("+14155550123", "0" * 32, "sms:abc", "web:" + "g" * 32))


def test_a_token_names_its_conversation_without_showing_it():
    conversation = new_conversation_id()
    token = tokens().issue(conversation)
    assert conversation.removeprefix("web:") not in token
    claim = tokens().read(token)
    assert claim is not None and claim.conversation_id == conversation and claim.issued_at == NOW


def test_tampered_forged_and_foreign_tokens_are_refused():
    token = tokens().issue(new_conversation_id())
    raw = bytearray(base64.urlsafe_b64decode(token))
    raw[30] ^= 1  # one bit of the ciphertext
    assert tokens().read(base64.urlsafe_b64encode(bytes(raw)).decode()) is None
    assert tokens().read(token[:-4] + "AAAA") is None
    assert tokens(key=Fernet.generate_key()).read(token) is None  # another key (another install)
    for junk in (None, 42, "", "web:" + "a" * 32, "not a token", "x" * 5000, "é" * 10, {"token": token}):
        assert tokens().read(junk) is None


def test_a_correctly_signed_token_for_another_channels_id_is_refused():
    # Even our own key over a phone number or an SMS pseudonym never opens it as a web session.
    fernet = Fernet(KEY)
    for payload in (b"+14155550123", b"sms:1234", b"web:short"):
        assert tokens().read(fernet.encrypt(payload).decode()) is None
    with pytest.raises(ValueError):
        tokens().issue("+14155550123")


def test_a_conversation_idle_for_a_day_is_not_reopened():
    clock = Clock()
    issuer = tokens(clock)
    claim = issuer.read(issuer.issue(new_conversation_id()))
    assert claim is not None
    clock.now = NOW + 30 * HOUR
    assert issuer.still_active(claim, last_activity=NOW + 7 * HOUR)  # 23 h since its last message
    assert not issuer.still_active(claim, last_activity=NOW + 5 * HOUR)  # 25 h
    # No messages yet: the token's own age counts.
    clock.now = NOW + IDLE_LIMIT_SECONDS
    assert issuer.still_active(claim, last_activity=None)
    clock.now = NOW + IDLE_LIMIT_SECONDS + 1
    assert not issuer.still_active(claim, last_activity=None)


async def test_resume_reopens_only_active_conversations():
    clock = Clock()
    issuer = tokens(clock)
    active, stale, never_used = new_conversation_id(), new_conversation_id(), new_conversation_id()
    store = FakeStore({active: NOW + 2 * HOUR, stale: NOW - 2 * HOUR})
    clock.now = NOW + 23 * HOUR
    active_token, stale_token, unused_token = (issuer.issue(c) for c in (active, stale, never_used))
    clock.now = NOW + 24.5 * HOUR
    found = await resume(issuer, active_token, store.retrieve)
    assert found is not None and found[0] == active
    assert await resume(issuer, stale_token, store.retrieve) is None
    found = await resume(issuer, unused_token, store.retrieve)  # issued 1.5 h ago, no events
    assert found == (never_used, None)
    assert await resume(issuer, "forged", store.retrieve) is None


async def test_resume_never_asks_the_store_about_a_bad_token():
    asked: list[str] = []

    async def retrieve(conversation_id: str):
        asked.append(conversation_id)

    assert await resume(tokens(), "+14155550123", retrieve) is None
    assert asked == []


def test_a_socket_is_bound_to_one_conversation_until_it_leaves():
    sockets = SocketSessions()
    first, second = new_conversation_id(), new_conversation_id()
    assert sockets.conversation("sid-a") is None
    assert sockets.bind("sid-a", first) is None
    assert sockets.bind("sid-a", second) == first  # the caller leaves the old room
    assert sockets.conversation("sid-a") == second and sockets.conversation("sid-b") is None
    assert sockets.drop("sid-a") == second
    assert sockets.conversation("sid-a") is None and len(sockets) == 0


def bot(text: str, **data) -> SimpleNamespace:
    return SimpleNamespace(type_name="bot", text=text, data=data)


def test_history_lists_messages_as_the_socket_sent_them():
    buttons = [{"title": "Food", "payload": "/choose{\"c\": \"food\"}"}]
    events = [
        SimpleNamespace(type_name="user", text="hi", data={}),
        bot("Hello."),
        bot("First part.\n\nSecond part.", buttons=buttons),
        SimpleNamespace(type_name="action", text=None),
        bot(None),
        bot("Last."),
    ]
    messages = page_messages(events)
    assert [m["text"] for m in messages] == ["Hello.", "First part.", "Second part.", "Last."]
    assert messages[2]["quick_replies"] == [{"content_type": "text", "title": "Food", "payload": buttons[0]["payload"]}]
    assert "quick_replies" not in messages[1]


# --- The socket channel itself (channels/webchat_socket.py), on a stand-in socket.io server ---


class FakeSocketServer:
    """Records what the channel does with python-socketio's AsyncServer: handlers, rooms, emits."""

    def __init__(self, **_: object) -> None:
        self.handlers: dict[str, object] = {}
        self.rooms: dict[str, set[str]] = {}
        self.sent: list[tuple[str, object, str]] = []
        self.connected: set[str] = set()
        self.manager = SimpleNamespace(is_connected=lambda sid, namespace: sid in self.connected)

    def on(self, event: str, namespace: str | None = None):
        def register(handler):
            self.handlers[event] = handler
            return handler
        return register

    def enter_room(self, sid: str, room: str, namespace: str | None = None) -> None:
        self.rooms.setdefault(sid, set()).add(room)

    def leave_room(self, sid: str, room: str, namespace: str | None = None) -> None:
        self.rooms.get(sid, set()).discard(room)

    async def emit(self, event: str, data: object = None, room: str = "", **_: object) -> None:
        self.sent.append((event, data, room))

    async def trigger(self, event: str, sid: str, *args: object) -> None:
        if event == "connect":
            self.connected.add(sid)
        elif event == "disconnect":
            self.connected.discard(sid)
        await self.handlers[event](sid, *args)

    def confirms(self, sid: str) -> list[dict]:
        return [data for event, data, room in self.sent if event == "session_confirm" and room == sid]

    def said(self, sid: str) -> list[dict]:
        return [data for event, data, room in self.sent if event == "bot_uttered" and room == sid]


@pytest.fixture
def channel(monkeypatch):
    """A WebChatSocket wired to a fake server, tracker store and DELETE handler; `.passed` holds
    what reached Rasa, `.erase_replies` what the DELETE handler will answer per text."""
    import channels.webchat_socket as webchat_socket

    monkeypatch.setattr(webchat_socket, "AsyncServer", FakeSocketServer)
    clock = Clock()
    socket_channel = webchat_socket.WebChatSocket(tokens=tokens(clock))
    passed: list = []

    async def on_new_message(message) -> None:
        passed.append(message)

    erase_replies: dict[str, str | Exception] = {}
    seen_by_erase: list[tuple[str, str, str]] = []

    async def intercept(conversation_id: str, text: str, kind: str, app: object) -> str | None:
        seen_by_erase.append((conversation_id, text, kind))
        reply = erase_replies.get(text)
        if isinstance(reply, Exception):
            raise reply
        return reply

    monkeypatch.setattr(webchat_socket, "intercept", intercept)
    blueprint = socket_channel.blueprint(on_new_message)
    store = FakeStore({})
    blueprint.ctx.app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=store)))
    return SimpleNamespace(socket=socket_channel, server=socket_channel.sio, passed=passed, store=store, clock=clock,
                           erase_replies=erase_replies, seen_by_erase=seen_by_erase, tokens=socket_channel.tokens)


async def open_session(channel, sid: str, request: object = None) -> dict:
    await channel.server.trigger("connect", sid, {}, None)
    await channel.server.trigger("session_request", sid, {} if request is None else request)
    return channel.server.confirms(sid)[-1]


async def test_a_socket_gets_harbors_conversation_never_the_one_it_names(channel):
    victim = new_conversation_id()
    channel.store.last_event[victim] = NOW
    for sid, asked in (("s1", {"session_id": victim}), ("s2", {"session_id": "+14155550123"}),
                       ("s3", {"token": victim}), ("s4", "junk"), ("s5", [victim])):
        confirm = await open_session(channel, sid, asked)
        conversation = channel.socket.sockets.conversation(sid)
        assert confirm["resumed"] is False and conversation not in (victim, "+14155550123")
        assert channel.tokens.read(confirm["token"]).conversation_id == conversation
        assert channel.server.rooms[sid] == {conversation}  # its own room, no other


async def test_a_valid_recent_token_reopens_and_a_stale_one_does_not(channel):
    first = await open_session(channel, "s1")
    conversation = channel.socket.sockets.conversation("s1")
    channel.store.last_event[conversation] = NOW
    channel.clock.now = NOW + 23 * HOUR
    again = await open_session(channel, "s2", {"token": first["token"]})
    assert again["resumed"] is True and channel.socket.sockets.conversation("s2") == conversation
    channel.clock.now = NOW + 25 * HOUR
    stale = await open_session(channel, "s3", {"token": first["token"]})
    assert stale["resumed"] is False and channel.socket.sockets.conversation("s3") != conversation


async def test_asking_again_moves_the_socket_out_of_its_old_room(channel):
    await open_session(channel, "s1")
    first = channel.socket.sockets.conversation("s1")
    await channel.server.trigger("session_request", "s1", {})
    assert channel.server.rooms["s1"] == {channel.socket.sockets.conversation("s1")} != {first}


async def test_a_message_counts_for_its_sockets_conversation_only(channel):
    await open_session(channel, "s1")
    other = new_conversation_id()
    await channel.server.trigger("user_uttered", "s1", {"message": "MY PLAN", "session_id": other,
                                                        "metadata": {"ref": "abc123", "sender": other}})
    [message] = channel.passed
    assert message.sender_id == channel.socket.sockets.conversation("s1") != other
    assert message.input_channel == "socketio" and message.metadata == {"ref": "abc123"}


async def test_without_a_session_or_after_leaving_nothing_is_processed(channel):
    victim = new_conversation_id()
    await channel.server.trigger("connect", "s1", {}, None)
    await channel.server.trigger("user_uttered", "s1", {"message": "MY PLAN", "session_id": victim})
    await open_session(channel, "s2")
    await channel.server.trigger("disconnect", "s2")
    await channel.server.trigger("user_uttered", "s2", {"message": "hi"})
    for not_a_message in (None, "hi", {"message": 42}, {"text": "hi"}):
        await open_session(channel, "s3")
        await channel.server.trigger("user_uttered", "s3", not_a_message)
    assert channel.passed == [] and channel.seen_by_erase == [] and len(channel.socket.sockets) == 1


async def test_a_long_message_is_cut_and_the_page_told_first(channel):
    from channels.limits import MAX_MESSAGE_CHARS, cut_notice

    await open_session(channel, "s1")
    await channel.server.trigger("user_uttered", "s1", {"message": "x" * (MAX_MESSAGE_CHARS + 1)})
    assert channel.server.said("s1") == [{"text": cut_notice(), "local": True}]
    assert [len(m.text) for m in channel.passed] == [MAX_MESSAGE_CHARS]


async def test_delete_is_answered_by_harbor_and_never_reaches_the_bot(channel):
    from channels.texts import channel_text

    await open_session(channel, "s1")
    old = channel.socket.sockets.conversation("s1")
    channel.erase_replies.update({"DELETE": "confirm?", "YES": channel_text("utter_erased")})
    await channel.server.trigger("user_uttered", "s1", {"message": "DELETE"})
    await channel.server.trigger("user_uttered", "s1", {"message": "YES"})
    assert channel.passed == [] and channel.seen_by_erase == [(old, "DELETE", "web"), (old, "YES", "web")]
    assert channel.server.said("s1") == [{"text": "confirm?", "local": True},
                                         {"text": channel_text("utter_erased"), "local": True}]
    # After an erasure the page is moved to a fresh conversation and told to clear its screen.
    confirm = channel.server.confirms("s1")[-1]
    assert confirm["erased"] is True and confirm["resumed"] is False
    assert channel.socket.sockets.conversation("s1") != old and old not in channel.server.rooms["s1"]


async def test_a_failing_delete_check_never_swallows_a_message(channel):
    await open_session(channel, "s1")
    channel.erase_replies["he hurt me"] = RuntimeError("database is locked")
    await channel.server.trigger("user_uttered", "s1", {"message": "he hurt me"})
    assert [m.text for m in channel.passed] == ["he hurt me"]  # risk is still scored by the bot
