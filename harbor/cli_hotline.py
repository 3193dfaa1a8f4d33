"""`harbor risk`, `harbor oncall`, `harbor escalations`, `harbor pager`: the hotline commands."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(ValueError):
    """Reported as one line on stderr with exit code 2."""


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

    oncall = commands.add_parser("oncall", help="the on-call roster of advocates")
    oc = oncall.add_subparsers(dest="oncall_command", metavar="SUBCOMMAND", required=True)
    add = oc.add_parser("add", help="add an advocate")
    add.add_argument("--name", required=True)
    add.add_argument("--phone", required=True, help="any format; stored as E.164")
    add.add_argument("--timezone", default="America/Los_Angeles")
    add.add_argument("--role", choices=["advocate", "supervisor"], default="advocate")
    add.add_argument("--supervisor", help="name of this advocate's supervisor")
    add.add_argument("--json", action="store_true")
    listing = oc.add_parser("list", help="list advocates and their shifts")
    listing.add_argument("--json", action="store_true")
    shift = oc.add_parser("set-shift", help="put an advocate on shift")
    shift.add_argument("name")
    shift.add_argument("--role", choices=["primary", "backup"], required=True)
    shift.add_argument("--start", help="ISO date-time (default now)")
    shift.add_argument("--end", help="ISO date-time (default start + --hours)")
    shift.add_argument("--hours", type=float, default=12.0)
    shift.add_argument("--json", action="store_true")
    who = oc.add_parser("who", help="who is on call now: primary, backup, supervisor")
    who.add_argument("--json", action="store_true")
    load = oc.add_parser("load", help="load a roster file (see hotline/roster.py for the format)")
    load.add_argument("file", type=Path)

    escalations = commands.add_parser("escalations", help="escalations to advocates")
    esc = escalations.add_subparsers(dest="escalations_command", metavar="SUBCOMMAND", required=True)
    esc_list = esc.add_parser("list", help="list escalations, newest first")
    esc_list.add_argument("--status", choices=["open", "acknowledged", "closed"])
    esc_list.add_argument("--json", action="store_true")
    ack = esc.add_parser("ack", help="acknowledge an escalation by id or ACK code")
    ack.add_argument("id")
    ack.add_argument("--by", default="cli", help="who acknowledges (default: cli)")
    ack.add_argument("--json", action="store_true")

    links = commands.add_parser("links", help="outreach chat links and QR codes")
    lk = links.add_subparsers(dest="links_command", metavar="SUBCOMMAND", required=True)
    create = lk.add_parser("create", help="make a chat link with a ref code, and its QR code (PNG and SVG)")
    create.add_argument("--worker", required=True, help="the outreach worker handing it out")
    create.add_argument("--campaign", required=True, help="where or what it is for")
    create.add_argument("--out", type=Path, help="folder for the QR files (default var/links)")
    create.add_argument("--json", action="store_true")
    links_list = lk.add_parser("list", help="links with how many conversations each started")
    links_list.add_argument("--json", action="store_true")

    pager = commands.add_parser("pager", help="run the pager worker (harbor up starts it)")
    pager.add_argument("--once", action="store_true", help="one pass, then exit")


def _out(data: object, as_json: bool, text: str) -> None:
    print(json.dumps(data) if as_json else text)


def cmd_risk(args: argparse.Namespace) -> int:
    from harbor.settings import MODEL_PATH
    from hotline.live import LiveRiskScorer

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


def cmd_oncall(args: argparse.Namespace) -> int:
    from hotline import roster
    from hotline.db import session_scope
    from hotline.models import Advocate, Shift

    try:
        with session_scope() as session:
            if args.oncall_command == "add":
                a = roster.add_advocate(session, args.name, args.phone, args.timezone, args.role,
                                        args.supervisor)
                _out({"id": a.id, "name": a.name, "phone": a.phone}, args.json,
                     f"added {a.name} ({a.phone}, {a.role})")
            elif args.oncall_command == "list":
                rows = []
                for a in session.query(Advocate).order_by(Advocate.name):
                    shifts = [{"role": s.role, "starts": s.starts_at.isoformat() + "Z",
                               "ends": s.ends_at.isoformat() + "Z"}
                              for s in session.query(Shift).filter(Shift.advocate_id == a.id)]
                    rows.append({"name": a.name, "phone": a.phone, "timezone": a.timezone,
                                 "role": a.role, "supervisor": a.supervisor.name if a.supervisor else None,
                                 "shifts": shifts})
                _out(rows, args.json, "\n".join(
                    f"{r['name']:24} {r['phone']:14} {r['role']:10} shifts: {len(r['shifts'])}"
                    for r in rows) or "the roster is empty: add advocates with `harbor oncall add`")
            elif args.oncall_command == "set-shift":
                start = roster.parse_time(args.start) if args.start else datetime.utcnow()
                end = roster.parse_time(args.end) if args.end else start + timedelta(hours=args.hours)
                s = roster.set_shift(session, args.name, args.role, start, end)
                _out({"advocate": args.name, "role": s.role, "starts": s.starts_at.isoformat() + "Z",
                      "ends": s.ends_at.isoformat() + "Z"}, args.json,
                     f"{args.name} is {s.role} from {s.starts_at:%Y-%m-%d %H:%M} "
                     f"to {s.ends_at:%Y-%m-%d %H:%M} UTC")
            elif args.oncall_command == "who":
                now = roster.who_is_on_call(session, datetime.utcnow())
                data = {role: ({"name": p.name, "phone": p.phone} if p else None)
                        for role, p in (("primary", now.primary), ("backup", now.backup),
                                        ("supervisor", now.supervisor))}
                _out(data, args.json, "\n".join(
                    f"{role:10} {v['name'] + ' ' + v['phone'] if v else 'NOBODY'}"
                    for role, v in data.items()))
            elif args.oncall_command == "load":
                if not args.file.is_file():
                    raise BadInput(f"no such file: {args.file}")
                advocates, shifts = roster.load_roster(session, args.file.read_text(encoding="utf-8"))
                print(f"loaded {advocates} advocates and {shifts} shifts")
    except roster.RosterError as error:
        raise BadInput(str(error)) from None
    return EXIT_OK


def cmd_escalations(args: argparse.Namespace) -> int:
    from hotline.db import session_scope
    from hotline.escalations import EscalationError, acknowledge, as_dict, list_escalations

    try:
        with session_scope() as session:
            if args.escalations_command == "list":
                rows = [as_dict(e) for e in list_escalations(session, args.status)]
                _out(rows, args.json, "\n".join(
                    f"ESC-{r['id']:<5} {r['level']:9} {r['status']:13} {','.join(r['categories']):30} "
                    f"{r['created_at']}" for r in rows) or "no escalations")
            else:
                escalation = acknowledge(session, args.id, args.by, datetime.utcnow())
                _out(as_dict(escalation), args.json,
                     f"ESC-{escalation.id} {escalation.status} by {escalation.acknowledged_by}")
    except EscalationError as error:
        raise BadInput(str(error)) from None
    return EXIT_OK


def cmd_links(args: argparse.Namespace) -> int:
    from harbor.outreach import OutreachError, create_link, list_links
    from harbor.settings import var_dir
    from hotline.db import session_scope

    try:
        with session_scope() as session:
            if args.links_command == "create":
                link = create_link(session, args.worker, args.campaign, args.out or var_dir() / "links")
                _out({"ref": link.ref, "url": link.url, "png": str(link.png), "svg": str(link.svg)}, args.json,
                     f"{link.url}\nQR code: {link.png} and {link.svg}")
            else:
                rows = list_links(session)
                _out(rows, args.json, "\n".join(
                    f"{r['ref']}  {r['conversations']:>5} conversations  {r['worker']}: {r['campaign']}"
                    for r in rows) or "no links yet: `harbor links create --worker NAME --campaign TEXT`")
    except OutreachError as error:
        raise BadInput(str(error)) from None
    return EXIT_OK


def cmd_pager(args: argparse.Namespace) -> int:
    from hotline.pager_main import main

    return main(once=args.once)


HANDLERS = {"risk": cmd_risk, "oncall": cmd_oncall, "escalations": cmd_escalations, "links": cmd_links,
            "pager": cmd_pager}
