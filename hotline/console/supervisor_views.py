"""What supervisors (and admins) see beyond the queue: who is on call, and how fast the hotline answers."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import select

from hotline import roster
from hotline.console import audit, figures
from hotline.console.accounts import SUPERVISOR
from hotline.console.rendering import db, page
from hotline.console.web_security import requires
from hotline.models import Advocate, Shift

TARGETS = web.AppKey("figure_targets", dict)


@requires(SUPERVISOR)
async def roster_page(request: web.Request) -> web.Response:
    def load(session: Any) -> dict:
        now = roster.who_is_on_call(session, datetime.utcnow())
        advocates = [{"name": a.name, "phone": a.phone, "role": a.role,
                      "supervisor": a.supervisor.name if a.supervisor else None,
                      "shifts": [f"{s.role} {s.starts_at:%Y-%m-%d %H:%M} to {s.ends_at:%Y-%m-%d %H:%M}"
                                 for s in session.scalars(select(Shift).where(Shift.advocate_id == a.id)
                                                          .order_by(Shift.starts_at))]}
                     for a in session.scalars(select(Advocate).order_by(Advocate.name))]
        on_call = {role: (person.name if person else None)
                   for role, person in (("primary", now.primary), ("backup", now.backup),
                                        ("supervisor", now.supervisor))}
        return {"on_call": on_call, "advocates": advocates}

    return await page(request, "roster.html", **await db(load))


@requires(SUPERVISOR)
async def figures_page(request: web.Request) -> web.Response:
    rows = await db(lambda s: figures.daily(s, request.app[TARGETS]))
    return await page(request, "figures.html", rows=rows, targets=request.app[TARGETS])


@requires(SUPERVISOR)
async def figures_csv(request: web.Request) -> web.Response:
    rows = await db(lambda s: figures.daily(s, request.app[TARGETS]))
    out = io.StringIO()
    fields = list(figures.DayFigures.__dataclass_fields__)
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    writer.writerows(r.as_dict() for r in rows)
    await db(lambda s: audit.record(s, request["user"], "export figures"))
    return web.Response(text=out.getvalue(), content_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="harbor-figures.csv"'})


def add_routes(app: web.Application, targets: dict[str, int]) -> None:
    app[TARGETS] = targets
    app.router.add_get("/roster", roster_page)
    app.router.add_get("/figures", figures_page)
    app.router.add_get("/figures.csv", figures_csv)
