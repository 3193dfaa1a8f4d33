"""`harbor links`: outreach chat links with a ref code, and their QR codes."""

from __future__ import annotations

import argparse
from pathlib import Path

from harbor.cli.errors import EXIT_OK, BadInput, show


def add_parsers(commands: argparse._SubParsersAction) -> None:
    links = commands.add_parser("links", help="outreach chat links and QR codes")
    lk = links.add_subparsers(dest="links_command", metavar="SUBCOMMAND", required=True)
    create = lk.add_parser("create", help="make a chat link with a ref code, and its QR code (PNG and SVG)")
    create.add_argument("--worker", required=True, help="the outreach worker handing it out")
    create.add_argument("--campaign", required=True, help="where or what it is for")
    create.add_argument("--out", type=Path, help="folder for the QR files (default var/links)")
    create.add_argument("--json", action="store_true")
    create.set_defaults(run=create_link)
    links_list = lk.add_parser("list", help="links with how many conversations each started")
    links_list.add_argument("--json", action="store_true")
    links_list.set_defaults(run=list_links)


def create_link(args: argparse.Namespace) -> int:
    from channels import outreach
    from harbor.core.db import session_scope
    from harbor.core.settings import var_dir

    try:
        with session_scope() as session:
            link = outreach.create_link(session, args.worker, args.campaign, args.out or var_dir() / "links")
    except outreach.OutreachError as error:
        raise BadInput(str(error)) from None
    show({"ref": link.ref, "url": link.url, "png": str(link.png), "svg": str(link.svg)}, args.json,
         f"{link.url}\nQR code: {link.png} and {link.svg}")
    return EXIT_OK


def list_links(args: argparse.Namespace) -> int:
    from channels import outreach
    from harbor.core.db import session_scope

    with session_scope() as session:
        rows = outreach.list_links(session)
    show(rows, args.json, "\n".join(
        f"{r['ref']}  {r['conversations']:>5} conversations  {r['worker']}: {r['campaign']}"
        for r in rows) or "no links yet: `harbor links create --worker NAME --campaign TEXT`")
    return EXIT_OK
