"""One escalation in the console: its page (the transcript, each view audited), the live transcript
stream, and what an advocate does: claim, take over, write to the youth, hand back, close."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

import aiohttp_sse
from aiohttp import web

from harbor.core.settings import CRISIS_LINES_FILE
from hotline import takeover
from hotline.console import accounts, audit, canned, casework, queue, referrals, transcript, transfers
from hotline.console.accounts import ADVOCATE, RANK, SUPERVISOR
from hotline.console.rendering import KEEPALIVE_SECONDS, POLL_SECONDS, db, live, page
from hotline.console.web_security import requires
from hotline.escalations import EscalationError
from hotline.models import Escalation

CANNED = web.AppKey("canned", list)
URGENT_CAP = web.AppKey("urgent_cap", int)


def _escalation_id(request: web.Request) -> int:
    try:
        return int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None


def _conversation_of(session: Any, escalation_id: int) -> str | None:
    escalation = session.get(Escalation, escalation_id)
    return escalation.conversation_id if escalation else None


@requires(ADVOCATE)
async def escalation_page(request: web.Request) -> web.Response:
    escalation_id = _escalation_id(request)

    def load(session: Any) -> dict | None:
        escalation = session.get(Escalation, escalation_id)
        if escalation is None:
            return None
        audit.record(session, request["user"], "view transcript", f"ESC-{escalation_id}")
        closure = session.get(casework.Closure, escalation_id)
        now = datetime.utcnow()
        offered = [o for o in transfers.pending_for(session, request["user"], now) if o.escalation_id == escalation_id]
        query = request.query
        found, problem = ([], None)
        if any(query.get(k) for k in ("find", "near", "category")):
            found, problem = referrals.find(session, query.get("find", ""), query.get("near", ""),
                                            query.get("category", ""))
        return {"escalation": escalation, "channel": queue.channel_of(escalation.conversation_id),
                "found": found, "search_problem": problem, "search": dict(query),
                "categories": referrals.CATEGORY_CHOICES,
                "offer": offered[0] if offered else None,
                "handed_on": transfers.latest_note(session, escalation_id),
                "colleagues": [u.username for u in accounts.list_users(session)
                               if not u.disabled and u.username != request["user"]],
                "transcript": transcript.read(session, escalation.conversation_id),
                "holder": takeover.holder_of(session, escalation.conversation_id),
                "closure": closure,
                "disposition_label": casework.DISPOSITIONS.get(closure.disposition) if closure else None}

    found = await db(load)
    if found is None:
        raise web.HTTPNotFound()
    return await page(request, "escalation.html", dispositions=casework.DISPOSITIONS,
                      canned=request.app[CANNED], **found)


@requires(ADVOCATE)
async def transcript_stream(request: web.Request) -> web.StreamResponse:
    """The conversation as server-sent events: a `transcript` event whenever a turn is added (the
    youth's replies appear while the advocate writes), with the escalation's level and holder."""
    escalation_id = _escalation_id(request)

    def snapshot(session: Any) -> dict | None:
        escalation = session.get(Escalation, escalation_id)
        if escalation is None:
            return None
        return {"level": escalation.level, "status": escalation.status,
                "holder": takeover.holder_of(session, escalation.conversation_id),
                **transcript.read(session, escalation.conversation_id).as_dict()}

    if await db(snapshot) is None:
        raise web.HTTPNotFound()
    await db(lambda s: audit.record(s, request["user"], "view transcript (live)", f"ESC-{escalation_id}"))
    async with aiohttp_sse.sse_response(request) as stream:
        last, quiet = None, 0.0
        while await live(request, stream, quiet):
            data = json.dumps(await db(snapshot))
            if data != last or quiet >= KEEPALIVE_SECONDS:
                await stream.send(data, event="transcript")
                last, quiet = data, 0.0
            await asyncio.sleep(POLL_SECONDS)
            quiet += POLL_SECONDS
    return stream


async def _act(request: web.Request, action: Any) -> web.StreamResponse:
    escalation_id = _escalation_id(request)
    try:
        await db(action, escalation_id)
    except (casework.CaseworkError, takeover.TakeoverError, transfers.TransferError, EscalationError) as error:
        return await page(request, "problem.html", status=409, message=str(error), escalation_id=escalation_id)
    raise web.HTTPSeeOther(f"/escalations/{escalation_id}")


@requires(ADVOCATE)
async def claim(request: web.Request) -> web.StreamResponse:
    cap = request.app[URGENT_CAP] if request["role"] == ADVOCATE else None  # supervisors take what is left
    return await _act(request, lambda s, i: casework.claim(s, i, request["user"], datetime.utcnow(), cap))


@requires(ADVOCATE)
async def take_over(request: web.Request) -> web.StreamResponse:
    def act(session: Any, escalation_id: int) -> None:
        takeover.take_over(session, escalation_id, request["user"], datetime.utcnow())
        audit.record(session, request["user"], "take over", f"ESC-{escalation_id}")
    return await _act(request, act)


@requires(ADVOCATE)
async def write(request: web.Request) -> web.StreamResponse:
    form = await request.post()

    def act(session: Any, escalation_id: int) -> None:
        parts = takeover.write_to_youth(session, escalation_id, request["user"], str(form.get("text", "")),
                                        datetime.utcnow())
        # Who wrote to whom and how many parts; never what (the transcript holds that).
        audit.record(session, request["user"], "message youth", f"ESC-{escalation_id}", detail=f"{len(parts)} part(s)")
    return await _act(request, act)


@requires(ADVOCATE)
async def hand_back(request: web.Request) -> web.StreamResponse:
    def act(session: Any, escalation_id: int) -> None:
        takeover.hand_back(session, escalation_id, request["user"])
        audit.record(session, request["user"], "hand back to the bot", f"ESC-{escalation_id}")
    return await _act(request, act)


@requires(ADVOCATE)
async def close(request: web.Request) -> web.StreamResponse:
    form = await request.post()

    def act(session: Any, escalation_id: int) -> None:
        resource_id = str(form.get("resource_id", ""))
        name = referrals.name_of(session, resource_id)
        now = datetime.utcnow()
        casework.close(session, escalation_id, request["user"], str(form.get("disposition", "")),
                       str(form.get("note", "")), now, (resource_id, name) if name else None,
                       supervisor=RANK[request["role"]] >= RANK[SUPERVISOR])
        transfers.decline_pending(session, escalation_id, now)
        if takeover.hand_back(session, escalation_id):  # a closed conversation goes back to the bot
            audit.record(session, request["user"], "hand back to the bot", f"ESC-{escalation_id}")
    return await _act(request, act)


@requires(ADVOCATE)
async def transfer(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    to_user = str(form.get("to", "")).strip() or None
    return await _act(request, lambda s, i: transfers.offer(s, i, request["user"], to_user, str(form.get("note", "")),
                                                            datetime.utcnow()))


@requires(ADVOCATE)
async def accept(request: web.Request) -> web.StreamResponse:
    return await _act(request, lambda s, i: transfers.accept(s, i, request["user"], datetime.utcnow()))


@requires(SUPERVISOR)
async def reassign(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    return await _act(request, lambda s, i: transfers.reassign(s, i, request["user"], str(form.get("to", "")),
                                                               datetime.utcnow()))


def add_routes(app: web.Application, urgent_cap: int = 3) -> None:
    app[CANNED] = canned.replies(CRISIS_LINES_FILE)
    app[URGENT_CAP] = urgent_cap
    router = app.router
    router.add_get("/escalations/{id}", escalation_page)
    router.add_get("/escalations/{id}/stream", transcript_stream)
    router.add_post("/escalations/{id}/claim", claim)
    router.add_post("/escalations/{id}/takeover", take_over)
    router.add_post("/escalations/{id}/message", write)
    router.add_post("/escalations/{id}/handback", hand_back)
    router.add_post("/escalations/{id}/close", close)
    router.add_post("/escalations/{id}/transfer", transfer)
    router.add_post("/escalations/{id}/accept", accept)
    router.add_post("/escalations/{id}/reassign", reassign)
