"""Web chat sessions: Harbor, never the browser, decides which conversation a page is.

Guarantees:
- A web conversation id is "web:" + 128 random bits in hex. Nobody can guess one, and it can
  never be a phone number or another channel's conversation (DESIGN rule 8).
- The page holds only a token: a Fernet token (AES-CBC + HMAC-SHA256, with its issue time) over
  the conversation id, keyed with `fernet_key("web_session")`. The page can neither read the id
  out of it nor make one for another id; any change to a token makes it invalid.
- A token reopens its conversation only while that conversation was active within IDLE_LIMIT
  (its latest event; the token's issue time when it has no events yet). Anything else is None,
  and the caller starts a fresh conversation.
- SocketSessions binds each socket to the one conversation it was issued, until it disconnects.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from harbor.core.secret_store import fernet_key

PREFIX = "web:"
CONVERSATION_ID = re.compile(r"^web:[0-9a-f]{32}$")
IDLE_LIMIT_SECONDS = 24 * 60 * 60
# A real token for a "web:" id is about 140 characters; anything much longer is not one of ours
# and is refused before any crypto work.
MAX_TOKEN_CHARS = 512


def new_conversation_id() -> str:
    """A fresh, unguessable web conversation id."""
    return PREFIX + secrets.token_hex(16)


def is_web_conversation(conversation_id: str) -> bool:
    return bool(CONVERSATION_ID.match(conversation_id))


@dataclass(frozen=True)
class Claim:
    """What a valid token says: its conversation and when it was issued (Unix seconds)."""

    conversation_id: str
    issued_at: float


class SessionTokens:
    """Issues and reads the page's session tokens. The key is read on first use (it may be
    generated into var/secrets then), so constructing one touches nothing."""

    def __init__(self, key: bytes | None = None, clock: Callable[[], float] = time.time) -> None:
        self._key = key
        self._fernet: Fernet | None = None
        self.clock = clock

    @property
    def fernet(self) -> Fernet:
        if self._fernet is None:
            self._fernet = Fernet(self._key or fernet_key("web_session"))
        return self._fernet

    def issue(self, conversation_id: str) -> str:
        if not is_web_conversation(conversation_id):
            raise ValueError("only web conversations get a web session token")
        return self.fernet.encrypt_at_time(conversation_id.encode("ascii"), int(self.clock())).decode("ascii")

    def read(self, token: object) -> Claim | None:
        """The claim of a token this key issued for a web conversation; None for anything else
        (not a string, too long, tampered, another key, another kind of payload)."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            return None
        try:
            raw = token.encode("ascii")
            payload = self.fernet.decrypt(raw)
            issued_at = self.fernet.extract_timestamp(raw)
        except (InvalidToken, UnicodeEncodeError, ValueError):
            return None
        conversation_id = payload.decode("ascii", errors="replace")
        if not is_web_conversation(conversation_id):
            return None
        return Claim(conversation_id, float(issued_at))

    def still_active(self, claim: Claim, last_activity: float | None) -> bool:
        """True when the conversation's latest activity (else the token's issue time) is within
        IDLE_LIMIT_SECONDS of now."""
        last = claim.issued_at if last_activity is None else last_activity
        return self.clock() - last <= IDLE_LIMIT_SECONDS


def last_event_time(tracker: Any) -> float | None:
    """When a Rasa tracker's latest event happened; None for no tracker or no events."""
    events = list(getattr(tracker, "events", None) or [])
    return float(events[-1].timestamp) if events else None


async def resume(tokens: SessionTokens, token: object,
                 retrieve: Callable[[str], Awaitable[Any]]) -> tuple[str, Any] | None:
    """(conversation id, its tracker or None) when `token` is valid and its conversation was
    active within the idle limit; None otherwise. `retrieve` is a tracker store's retrieve."""
    claim = tokens.read(token)
    if claim is None:
        return None
    tracker = await retrieve(claim.conversation_id)
    if not tokens.still_active(claim, last_event_time(tracker)):
        return None
    return claim.conversation_id, tracker


class SocketSessions:
    """Socket id -> the conversation Harbor issued it. In process memory, so one Rasa process
    (Rasa's socket.io channel needs that anyway: its rooms live there too)."""

    def __init__(self) -> None:
        self._by_socket: dict[str, str] = {}

    def bind(self, sid: str, conversation_id: str) -> str | None:
        """Bind `sid` to `conversation_id`; returns the conversation it was bound to before."""
        previous = self._by_socket.get(sid)
        self._by_socket[sid] = conversation_id
        return previous

    def conversation(self, sid: str) -> str | None:
        return self._by_socket.get(sid)

    def drop(self, sid: str) -> str | None:
        return self._by_socket.pop(sid, None)

    def __len__(self) -> int:
        return len(self._by_socket)
