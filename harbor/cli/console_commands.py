"""`harbor console` (the hotline console web app) and `harbor users` (its accounts)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from harbor.cli.errors import EXIT_OK, BadInput, say, show

ROLES = ("advocate", "supervisor", "admin")


def add_parsers(commands: argparse._SubParsersAction) -> None:
    console = commands.add_parser(
        "console", help="run the hotline console (harbor up starts it)",
        description="Serves the console where advocates see the queue, read transcripts, claim and close "
        "escalations, on HARBOR_HOST:HARBOR_CONSOLE_PORT (default 127.0.0.1:8088). Put it behind https: "
        "when HARBOR_CONSOLE_URL starts with https, its session cookie is Secure.")
    console.add_argument("--port", type=int, help="port (default $HARBOR_CONSOLE_PORT or 8088)")
    console.set_defaults(run=run_console)

    users = commands.add_parser("users", help="console accounts: advocates, supervisors, admins")
    uc = users.add_subparsers(dest="users_command", metavar="SUBCOMMAND", required=True)
    add = uc.add_parser("add", help="add a console user (asks for the password twice)",
                        description="Supervisors and admins always get an authenticator-app code (TOTP); "
                        "advocates get one with --totp. The setup link and QR code are printed once.")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, default="advocate")
    add.add_argument("--totp", action="store_true", help="also require an authenticator code (always for "
                     "supervisors and admins)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin (scripts)")
    add.add_argument("--json", action="store_true")
    add.set_defaults(run=add_user)
    passwd = uc.add_parser("passwd", help="set a user's password")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true")
    passwd.set_defaults(run=set_password)
    disable = uc.add_parser("disable", help="stop a user from signing in (the audit log keeps their name)")
    disable.add_argument("username")
    disable.set_defaults(run=disable_user)
    listing = uc.add_parser("list", help="list console users")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=list_users)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise BadInput("no terminal to ask the password on: pass --password-stdin and pipe it in")
    first = getpass.getpass("Password (12+ characters): ")
    if getpass.getpass("Again: ") != first:
        raise BadInput("the two passwords differ")
    return first


def _account_change(action: str, change: Callable[[Any], Any]) -> Any:
    """Run `change(session)` (returning the user, or the user and more), audited as the CLI; an
    AccountError is bad input. Returns what `change` returned, read inside the transaction."""
    from harbor.core.db import session_scope
    from hotline.console import accounts, audit

    try:
        with session_scope() as session:
            result = change(session)
            user = result[0] if isinstance(result, tuple) else result
            audit.record(session, "cli", action, user.username, detail=user.role)
            return result, user.username, user.role
    except accounts.AccountError as error:
        raise BadInput(str(error)) from None


def add_user(args: argparse.Namespace) -> int:
    import segno

    from hotline.console import accounts

    password = _password(args.password_stdin)
    (_, factor), name, role = _account_change(
        "add user", lambda s: accounts.add_user(s, args.username, args.role, password, args.totp))
    if args.json:
        show({"username": name, "role": role, "totp_uri": factor.uri if factor else None}, True, "")
        return EXIT_OK
    print(f"added {name} ({role})")
    if factor:
        print("Scan this once with an authenticator app (it is not shown again):")
        segno.make(factor.uri, error="m").terminal(compact=True)
        print(f"or enter the key by hand: {factor.secret}")
    return EXIT_OK


def set_password(args: argparse.Namespace) -> int:
    from hotline.console import accounts

    password = _password(args.password_stdin)
    _, name, _ = _account_change("set password", lambda s: accounts.set_password(s, args.username, password))
    print(f"password changed for {name}")
    return EXIT_OK


def disable_user(args: argparse.Namespace) -> int:
    from hotline.console import accounts

    _, name, _ = _account_change("disable user", lambda s: accounts.disable(s, args.username))
    print(f"{name} can no longer sign in")
    return EXIT_OK


def list_users(args: argparse.Namespace) -> int:
    from harbor.core.db import session_scope
    from hotline.console import accounts

    with session_scope() as session:
        rows = [{"username": u.username, "role": u.role, "second_factor": bool(u.totp_secret),
                 "disabled": u.disabled} for u in accounts.list_users(session)]
    show(rows, args.json, "\n".join(
        f"{r['username']:24} {r['role']:11} {'TOTP' if r['second_factor'] else 'no TOTP':8} "
        f"{'DISABLED' if r['disabled'] else ''}" for r in rows)
         or "no console users: `harbor users add NAME --role admin`")
    return EXIT_OK


def run_console(args: argparse.Namespace) -> int:
    from aiohttp import web

    from harbor.core.settings import HotlineConfig, answer_targets, server_settings, trusted_proxies, urgent_cap
    from hotline.console.web import make_app

    settings = server_settings(console_port=args.port)
    secure = HotlineConfig.from_env().console_url.startswith("https://")
    app = make_app(answer_targets(), secure_cookies=secure, urgent_cap=urgent_cap(), proxies=trusted_proxies())
    say(f"console on {settings.console_local_url}")
    web.run_app(app, host=settings.host, port=settings.console_port, print=None, access_log=None)
    return EXIT_OK
