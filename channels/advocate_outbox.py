"""Delivers what advocates write (hotline/takeover.py's outbox) on the youth's own channel, in
order, one conversation at a time, and records each message in the conversation's tracker as a bot
turn marked as the advocate's (so the web chat's history and the console's transcript show it).

One worker per channel runs inside the Rasa server: the SMS channel's for "sms:" conversations
(through its Twilio output: GSM-7, opt-outs honoured), the web chat's for "web:" (socket.io room).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from rasa.shared.core.events import BotUttered

from harbor.core.db import session_scope
from hotline import takeover

log = logging.getLogger("harbor.advocate_outbox")
POLL_SECONDS = 0.2
Deliver = Callable[[str, str], Awaitable[None]]  # (conversation id, text)


def _claim(prefix: str) -> tuple[int, str, str, str] | None:
    with session_scope() as session:
        message = takeover.claim_next(session, prefix, datetime.utcnow())
        return (message.id, message.conversation_id, message.body, message.written_by) if message else None


def _done(message_id: int, error: str | None = None) -> bool:
    with session_scope() as session:
        return takeover.mark_delivered(session, message_id, datetime.utcnow(), error)


async def record_in_tracker(agent: Any, conversation_id: str, text: str) -> None:
    """The advocate's turn, in the tracker under the conversation's lock, marked as theirs."""
    async with agent.lock_store.lock(conversation_id):
        tracker = await agent.tracker_store.get_or_create_tracker(conversation_id)
        tracker.update(BotUttered(text, metadata={"advocate": True}))
        await agent.tracker_store.save(tracker)


class AdvocateOutboxWorker:
    def __init__(self, prefix: str, deliver: Deliver, app: Any) -> None:
        self.prefix, self.deliver, self.app = prefix, deliver, app
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                sent = await self.deliver_one()
            except Exception:
                log.exception("advocate message delivery failed; retrying")
                sent = False
            if not sent:
                await asyncio.sleep(POLL_SECONDS)

    async def deliver_one(self) -> bool:
        claimed = await asyncio.to_thread(_claim, self.prefix)
        if claimed is None:
            return False
        message_id, conversation_id, body, _ = claimed
        try:
            await self.deliver(conversation_id, body)
        except Exception as error:
            await asyncio.to_thread(_done, message_id, type(error).__name__)
            log.error("ADVOCATE MESSAGE NOT DELIVERED (%s)", type(error).__name__)
            return True
        if not await asyncio.to_thread(_done, message_id):
            return True  # erased meanwhile: nothing of it goes back into the conversation
        try:
            await record_in_tracker(self.app.ctx.agent, conversation_id, body)
        except Exception as error:  # it was delivered; only the transcript and web history miss it
            log.error("an advocate message was delivered but not recorded in the tracker (%s)", type(error).__name__)
        return True
