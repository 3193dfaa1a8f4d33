"""The web chat's socket.io transport (credentials.yml `channels.webchat_socket.WebChatSocket`).

It replaces Rasa's `socketio` channel, whose `session_request` lets the page pick its session id,
so anyone who knew or guessed an id (or sent a youth's phone number) could read and write that
conversation. Here:

- `session_request` never takes an id from the page. A token it presents is honoured only when
  valid and its conversation was active within 24 h (channels/web_sessions.py); otherwise the
  socket gets a fresh "web:<128 random bits>" conversation. The answer, `session_confirm`, is
  `{"token": ..., "resumed": bool}` (plus `"erased": true` after a DELETE); the id itself never
  goes to the page. The socket joins its own conversation's room and no other.
- `user_uttered` ignores any session_id in the payload: a message counts for the conversation this
  socket was issued, and a socket that has none gets nothing processed.
- Text over MAX_MESSAGE_CHARS is cut before Rasa reads it, and the page is told first.
- DELETE and its YES are handled by channels/erase_requests.py and never reach Rasa; after an
  erasure the socket moves to a fresh conversation, so the page keeps nothing of the old one.
- Messages Harbor says itself (cut notice, DELETE answers) carry `"local": true`: they are not
  in the tracker, so the page does not count them when it asks /chat/history for what it missed.

name() stays "socketio": Rasa's `output_channel=latest` (an advocate's later message) looks the
channel up by the name stored in the tracker, and then emits to the conversation's room.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from channels.advocate_outbox import AdvocateOutboxWorker
from channels.erase_requests import intercept
from channels.handoff import pass_on
from channels.limits import cut_message, cut_notice
from channels.texts import channel_text
from channels.web_sessions import SessionTokens, SocketSessions, new_conversation_id, resume
from channels.web_wording import for_web
from harbor.core.metrics import MESSAGES, REPLIES
from harbor.core.pseudonyms import WEB_PREFIX

log = logging.getLogger("harbor.webchat")
# Outreach link codes (channels/outreach.py): the only metadata a page may attach to a message.
REF = re.compile(r"^[a-z0-9]{1,16}$")


class _HarborSocketBlueprint(SocketBlueprint):
    """Attaches socket.io to the app, remembers the app (tracker store, DELETE's lock) and makes
    every engine.io HTTP response `Cache-Control: no-store`."""

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        super().register(app, options)
        self.ctx.app = app
        prefix = "/" + self.ctx.socketio_path.strip("/")

        async def engineio_no_store(request: Request, reply: HTTPResponse | None) -> None:
            # Polling responses carry messages: no browser or proxy cache may keep them.
            if reply is not None and (request.path == prefix or request.path.startswith(prefix + "/")):
                reply.headers["Cache-Control"] = "no-store"

        app.register_middleware(engineio_no_store, "response")


class WebChatSocket(SocketIOInput):
    """Rasa's socket.io channel with sessions that Harbor issues (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"  # must match Rasa's: output_channel=latest finds this channel by it

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatSocket:
        credentials = credentials or {}
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            metadata_key=credentials.get("metadata_key", "metadata"),
        )

    def __init__(self, user_message_evt: str = "user_uttered", bot_message_evt: str = "bot_uttered",
                 socketio_path: str = "/socket.io", metadata_key: str = "metadata",
                 tokens: SessionTokens | None = None) -> None:
        # Always session-persistent (replies go to the conversation's room); no JWT: the
        # session token is the credential.
        super().__init__(user_message_evt, bot_message_evt, namespace=None, session_persistence=True,
                         socketio_path=socketio_path, jwt_key=None, metadata_key=metadata_key)
        self.tokens = tokens or SessionTokens()
        self.sockets = SocketSessions()
        self.advocate_outbox: AdvocateOutboxWorker | None = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # cors_allowed_origins=[] as in Rasa: no cookies are used, so another origin's page can
        # only ever open a fresh session of its own.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        self.sio = sio  # Rasa's get_output_channel() uses it for output_channel=latest
        socket_blueprint = _HarborSocketBlueprint(sio, self.socketio_path, "harbor_socketio", __name__)

        def app() -> Sanic:
            return socket_blueprint.ctx.app

        @socket_blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def to_page(conversation_id: str, text: str) -> None:
            REPLIES.labels("web", "sent").inc()
            await sio.emit(self.bot_message_evt, {"text": for_web(text)}, room=conversation_id)

        @socket_blueprint.listener("after_server_start")
        async def start_advocate_outbox(sanic_app: Sanic, _loop: Any) -> None:
            # What advocates write in the console, to web chat youth: into the conversation's room.
            self.advocate_outbox = AdvocateOutboxWorker(WEB_PREFIX, to_page, sanic_app)
            self.advocate_outbox.start()

        @socket_blueprint.listener("before_server_stop")
        async def stop_advocate_outbox(_app: Sanic, _loop: Any) -> None:
            if self.advocate_outbox is not None:
                await self.advocate_outbox.stop()

        @sio.on("connect")
        async def connect(sid: str, environ: dict, auth: Any = None) -> bool:
            return True

        @sio.on("disconnect")
        async def disconnect(sid: str) -> None:
            self.sockets.drop(sid)

        @sio.on("session_request")
        async def session_request(sid: str, data: Any = None) -> None:
            token = data.get("token") if isinstance(data, dict) else None
            found = None
            if token is not None:
                try:
                    found = await resume(self.tokens, token, app().ctx.agent.tracker_store.retrieve)
                except Exception as error:
                    # The store is unreachable: a fresh session is safe, the old one is not lost.
                    # Only the error's type is logged: its text may carry the conversation id.
                    log.error("web chat: could not check a session token (%s); fresh session",
                              type(error).__name__)
            conversation_id = found[0] if found else new_conversation_id()
            if not sio.manager.is_connected(sid, "/"):
                return  # it left while we looked: bind nothing that disconnect() would not drop
            await self._bind(sid, conversation_id, {"resumed": found is not None})

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any = None) -> None:
            conversation_id = self.sockets.conversation(sid)
            if conversation_id is None or not isinstance(data, dict) or not isinstance(data.get("message"), str):
                return  # no issued session, no message: nothing is processed
            MESSAGES.labels("web").inc()
            text, was_cut = cut_message(data["message"])
            if was_cut:
                await self._say(sid, cut_notice())
            try:
                reply = await intercept(conversation_id, text, "web", app())
            except Exception as error:
                # DELETE handling failed: the message still goes to the bot, where its risk is
                # scored (DESIGN rule 3); losing it would be worse than a missed DELETE.
                log.error("web chat: DELETE check failed (%s); passing the message on", type(error).__name__)
                reply = None
            if reply is not None:
                if reply == channel_text("utter_erased"):
                    # The page must not stay tied to the erased conversation.
                    await self._bind(sid, new_conversation_id(), {"resumed": False, "erased": True})
                await self._say(sid, reply)
                return
            message = UserMessage(text, WebChatOutput(sio, self.bot_message_evt), conversation_id,
                                  input_channel=self.name(), metadata=_metadata(data.get(self.metadata_key)))
            await pass_on(message, on_new_message, app())

        return socket_blueprint

    async def _bind(self, sid: str, conversation_id: str, confirm: dict[str, Any]) -> None:
        """Bind the socket to one conversation, in that conversation's room only, and hand the page
        a fresh token for it."""
        assert self.sio is not None
        previous = self.sockets.bind(sid, conversation_id)
        if previous is not None and previous != conversation_id:
            self.sio.leave_room(sid, previous)
        self.sio.enter_room(sid, conversation_id)
        await self.sio.emit("session_confirm", {"token": self.tokens.issue(conversation_id), **confirm}, room=sid)

    async def _say(self, sid: str, text: str) -> None:
        """A message from Harbor itself, to this socket only; not in the tracker, hence "local"."""
        assert self.sio is not None
        REPLIES.labels("web", "sent").inc()
        await self.sio.emit(self.bot_message_evt, {"text": for_web(text), "local": True}, room=sid)

    def get_output_channel(self) -> WebChatOutput | None:
        # output_channel=latest (an advocate's message) goes out worded for the web too.
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio is not None else None


class WebChatOutput(SocketIOOutput):
    """Rasa's socket.io output, worded for the web: type and tap, not text and reply."""

    async def _send_message(self, socket_id: str, response: Any) -> None:
        if isinstance(response, dict) and isinstance(response.get("text"), str):
            response = {**response, "text": for_web(response["text"])}
        REPLIES.labels("web", "sent").inc()
        await super()._send_message(socket_id, response)


def _metadata(value: Any) -> dict[str, str]:
    """Only an outreach ref passes into the tracker; anything else a page sends is dropped."""
    ref = value.get("ref") if isinstance(value, dict) else None
    return {"ref": ref} if isinstance(ref, str) and REF.match(ref) else {}
