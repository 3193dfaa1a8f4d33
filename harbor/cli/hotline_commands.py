"""`harbor risk`, `harbor oncall`, `harbor escalations`, `harbor pager`: the hotline commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from harbor.cli.errors import EXIT_OK, BadInput, show

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def add_parsers(commands: argparse._SubParsersAction) -> None:
    risk = commands.add_parser("risk", help="score messages for risk (the live path)")
    risk_commands = risk.add_subparsers(dest="risk_command", metavar="SUBCOMMAND", required=True)
    score = risk_commands.add_parser(
        "score", help="score one message per line of FILE ('-' for stdin)",
        description="Scores each line with exactly the live code path (the trained model's NLU "
        "pipeline and its risk detector) and prints one JSON object per line: text, level, "
        "categories, signals.")
    score.add_argument("file", help="a text file, one message per line, or - for stdin")
    score.add_argument("--escalates", action="store_true", help="print only messages that would page")
    score.add_argument("--model", type=Path, help="model archive (default bot/models/harbor.tar.gz)")
    score.set_defaults(run=score_risk)

    oncall = commands.add_parser("oncall", help="the on-call roster of advocates")
    oc = oncall.add_subparsers(dest="oncall_command", metavar="SUBCOMMAND", required=True)
    add = oc.add_parser("add", help="add an advocate")
    add.add_argument("--name", required=True)
    add.add_argument("--phone", required=True, help="any format; stored as E.164")
    add.add_argument("--timezone", default="America/Los_Angeles")
    add.add_argument("--role", choices=["advocate", "supervisor"], default="advocate")
    add.add_argument("--supervisor", help="name of this advocate's supervisor")
    add.add_argument("--json", action="store_true")
    add.set_defaults(run=add_advocate)
    listing = oc.add_parser("list", help="list advocates and their shifts")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=list_roster)
    shift = oc.add_parser("set-shift", help="put an advocate on shift")
    shift.add_argument("name")
    shift.add_argument("--role", choices=["primary", "backup"], required=True)
    shift.add_argument("--start", help="ISO date-time (default now)")
    shift.add_argument("--end", help="ISO date-time (default start + --hours)")
    shift.add_argument("--hours", type=float, default=12.0)
    shift.add_argument("--json", action="store_true")
    shift.set_defaults(run=set_shift)
    who = oc.add_parser("who", help="who is on call now: primary, backup, supervisor")
    who.add_argument("--json", action="store_true")
    who.set_defaults(run=who_is_on_call)
    load = oc.add_parser("load", help="load a roster file (see hotline/roster.py for the format)")
    load.add_argument("file", type=Path)
    load.set_defaults(run=load_roster)

    escalations = commands.add_parser("escalations", help="escalations to advocates")
    esc = escalations.add_subparsers(dest="escalations_command", metavar="SUBCOMMAND", required=True)
    esc_list = esc.add_parser("list", help="list escalations, newest first")
    esc_list.add_argument("--status", choices=["open", "acknowledged", "closed"])
    esc_list.add_argument("--json", action="store_true")
    esc_list.set_defaults(run=list_escalations)
    ack = esc.add_parser("ack", help="acknowledge an escalation by id or ACK code")
    ack.add_argument("id")
    ack.add_argument("--by", default="cli", help="who acknowledges (default: cli)")
    ack.add_argument("--json", action="store_true")
    ack.set_defaults(run=acknowledge)

    pager = commands.add_parser("pager", help="run the pager worker (harbor up starts it)")
    pager.add_argument("--once", action="store_true", help="one pass, then exit")
    pager.add_argument("--port", type=int, help="port of its /health, /health/ready and /metrics "
                       "(default $HARBOR_PAGER_PORT or 5056; not served with --once)")
    pager.set_defaults(run=run_pager)


def score_risk(args: argparse.Namespace) -> int:
    import json

    from harbor.cli.live_risk import LiveRiskScorer
    from harbor.core.settings import MODEL_PATH

    model = args.model or MODEL_PATH
    if not model.exists():
        raise BadInput(f"no trained model at {model}; run `harbor train`")
    if args.file == "-":
        lines = sys.stdin.read().splitlines()
    else:
        path = Path(args.file)
        if not path.is_file():
            raise BadInput(f"no such file: {args.file}")
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    scorer = LiveRiskScorer(model.resolve())
    for line in lines:
        if not line.strip():
            continue
        risk = scorer.score(line)
        if args.escalates and not risk["escalates"]:
            continue
        print(json.dumps({"text": line, "level": risk["level"], "categories": risk["categories"],
                          "signals": risk["signals"], "escalates": risk["escalates"]}), flush=True)
    return EXIT_OK


@contextmanager
def _roster_session() -> Iterator[Session]:
    """A database session in which a roster mistake (unknown name, bad number) is bad input."""
    from harbor.core.db import session_scope
    from hotline.roster import RosterError

    try:
        with session_scope() as session:
            yield session
    except RosterError as error:
        raise BadInput(str(error)) from None


def add_advocate(args: argparse.Namespace) -> int:
    from hotline import roster

    with _roster_session() as session:
        a = roster.add_advocate(session, args.name, args.phone, args.timezone, args.role, args.supervisor)
        show({"id": a.id, "name": a.name, "phone": a.phone}, args.json, f"added {a.name} ({a.phone}, {a.role})")
    return EXIT_OK


def list_roster(args: argparse.Namespace) -> int:
    from hotline.models import Advocate, Shift

    with _roster_session() as session:
        rows = []
        for a in session.query(Advocate).order_by(Advocate.name):
            shifts = [{"role": s.role, "starts": s.starts_at.isoformat() + "Z", "ends": s.ends_at.isoformat() + "Z"}
                      for s in session.query(Shift).filter(Shift.advocate_id == a.id)]
            rows.append({"name": a.name, "phone": a.phone, "timezone": a.timezone, "role": a.role,
                         "supervisor": a.supervisor.name if a.supervisor else None, "shifts": shifts})
    show(rows, args.json, "\n".join(
        f"{r['name']:24} {r['phone']:14} {r['role']:10} shifts: {len(r['shifts'])}"
        for r in rows) or "the roster is empty: add advocates with `harbor oncall add`")
    return EXIT_OK


def set_shift(args: argparse.Namespace) -> int:
    from hotline import roster

    with _roster_session() as session:
        start = roster.parse_time(args.start) if args.start else datetime.utcnow()
        end = roster.parse_time(args.end) if args.end else start + timedelta(hours=args.hours)
        s = roster.set_shift(session, args.name, args.role, start, end)
        show({"advocate": args.name, "role": s.role, "starts": s.starts_at.isoformat() + "Z",
              "ends": s.ends_at.isoformat() + "Z"}, args.json,
             f"{args.name} is {s.role} from {s.starts_at:%Y-%m-%d %H:%M} to {s.ends_at:%Y-%m-%d %H:%M} UTC")
    return EXIT_OK


def who_is_on_call(args: argparse.Namespace) -> int:
    from hotline import roster

    with _roster_session() as session:
        now = roster.who_is_on_call(session, datetime.utcnow())
        data = {role: ({"name": p.name, "phone": p.phone} if p else None)
                for role, p in (("primary", now.primary), ("backup", now.backup), ("supervisor", now.supervisor))}
    show(data, args.json, "\n".join(
        f"{role:10} {v['name'] + ' ' + v['phone'] if v else 'NOBODY'}" for role, v in data.items()))
    return EXIT_OK


def load_roster(args: argparse.Namespace) -> int:
    from hotline import roster

    if not args.file.is_file():
        raise BadInput(f"no such file: {args.file}")
    with _roster_session() as session:
        advocates, shifts = roster.load_roster(session, args.file.read_text(encoding="utf-8"))
    print(f"loaded {advocates} advocates and {shifts} shifts")
    return EXIT_OK


def list_escalations(args: argparse.Namespace) -> int:
    from harbor.core.db import session_scope
    from hotline import escalations

    with session_scope() as session:
        rows = [escalations.as_dict(e) for e in escalations.list_escalations(session, args.status)]
    show(rows, args.json, "\n".join(
        f"ESC-{r['id']:<5} {r['level']:9} {r['status']:13} {','.join(r['categories']):30} {r['created_at']}"
        for r in rows) or "no escalations")
    return EXIT_OK


def acknowledge(args: argparse.Namespace) -> int:
    from harbor.core.db import session_scope
    from hotline import escalations

    try:
        with session_scope() as session:
            escalation = escalations.acknowledge(session, args.id, args.by, datetime.utcnow())
            show(escalations.as_dict(escalation), args.json,
                 f"ESC-{escalation.id} {escalation.status} by {escalation.acknowledged_by}")
    except escalations.EscalationError as error:
        raise BadInput(str(error)) from None
    return EXIT_OK


def run_pager(args: argparse.Namespace) -> int:
    from harbor.cli.pager_worker import main

    return main(once=args.once, port=args.port)
