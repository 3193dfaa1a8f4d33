"""`harbor resources`: search the directory, load the seed, import and export HSDS CSV packages."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from harbor.cli.errors import EXIT_OK, BadInput, say, show


def add_parsers(commands: argparse._SubParsersAction) -> None:
    from resources_db.categories import CATEGORIES
    from resources_db.search import GENDERS, MAX_RADIUS_MILES

    resources = commands.add_parser("resources", help="the resource directory (search, import, export)")
    rc = resources.add_subparsers(dest="resources_command", metavar="SUBCOMMAND", required=True)

    search = rc.add_parser(
        "search", help="find services near a place",
        description="Nearest local services first (by distance), then statewide, then national "
        "lines. National 24/7 hotlines are always listed last.",
        epilog="categories: " + ", ".join(c.code for c in CATEGORIES))
    search.add_argument("text", nargs="?", help="words that must appear in the name or description")
    search.add_argument("--near", help='a ZIP code, a California city or county, or "LAT,LON"')
    search.add_argument("--radius", type=float, default=25.0, help=f"miles (default 25, at most {MAX_RADIUS_MILES:g})")
    search.add_argument("--category", choices=[c.code for c in CATEGORIES], metavar="C")
    search.add_argument("--age", type=int, help="only services that take this age")
    search.add_argument("--gender", choices=GENDERS, help="only services open to this gender")
    search.add_argument("--lgbtq", action="store_true", help="only services recorded as LGBTQ-affirming")
    search.add_argument("--open-now", action="store_true", help="only services known to be open now")
    search.add_argument("--limit", type=int, default=10, help="at most this many per tier (default 10)")
    search.add_argument("--json", action="store_true", help="print one JSON object")
    search.set_defaults(run=search_directory)

    seed = rc.add_parser("seed", help="load the programs named in the seed document (idempotent)")
    seed.add_argument("--json", action="store_true")
    seed.set_defaults(run=load_seed_programs)

    imp = rc.add_parser(
        "import", help="import an HSDS 3.0 CSV data package",
        description="Reads the 11 HSDS 3.0 tables Harbor keeps (official plural file names, or the singular "
        "ones of Harbor's older exports) and skips the others with a warning. Checks every row first; any "
        "problem is reported as file:line: column: reason and nothing is written. Rows are upserted by id.")
    imp.add_argument("directory", type=Path)
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(run=import_hsds)

    exp = rc.add_parser(
        "export", help="export the directory as an HSDS 3.0 CSV data package",
        description="Official file names and column order, the official datapackage.json restricted to "
        "Harbor's tables, Harbor's extra columns after the official ones.")
    exp.add_argument("directory", type=Path)
    exp.add_argument("--json", action="store_true")
    exp.set_defaults(run=export_hsds)

    cats = rc.add_parser("categories", help="list the categories and their Open Eligibility names")
    cats.add_argument("--json", action="store_true")
    cats.set_defaults(run=list_categories)


def _directory_ready() -> None:
    """A database from before HSDS 3.0 ids is moved first (resources_db/upgrade.py), saying where
    its old rows are kept (harbor up passes that line on)."""
    from harbor.core.db import bare_engine
    from harbor.core.settings import database_url, var_dir
    from resources_db.upgrade import ensure_current

    backup = ensure_current(bare_engine(database_url()), var_dir())
    if backup is not None:
        say(f"the resource directory now has HSDS 3.0 ids; its old rows are kept in {backup}")


def _print(args: argparse.Namespace, data: dict, lines: list[str]) -> None:
    show(data, args.json, "\n".join(lines))


def search_directory(args: argparse.Namespace) -> int:
    from harbor.core.db import session_scope
    from resources_db.places import PlaceNotFound, resolve
    from resources_db.present import format_hit
    from resources_db.search import SearchError, SearchQuery, search

    _directory_ready()

    try:
        place = resolve(args.near) if args.near else None
    except PlaceNotFound as error:
        raise BadInput(str(error)) from None
    query = SearchQuery(text=args.text, near=place, radius_miles=args.radius, category=args.category,
                        age=args.age, gender=args.gender, lgbtq=args.lgbtq, open_now=args.open_now,
                        limit=args.limit)
    try:
        with session_scope() as session:
            _seed_if_empty(session)
            result = search(session, query)
    except SearchError as error:
        raise BadInput(str(error)) from None
    notes = []
    if place and not place.in_home_state:
        notes.append(f"{place.label} is outside California; Harbor's directory lists California "
                     "programs, so only national lines are shown.")
    data = {"near": place.label if place else None, "notes": notes, "results": [h.to_dict() for h in result.hits]}
    header = [f"Near {place.label}:" if place else "Statewide and national:", *notes]
    lines = header + [format_hit(hit, n) for n, hit in enumerate(result.hits, 1)]
    _print(args, data, lines)
    return EXIT_OK


def _seed_if_empty(session) -> None:  # type: ignore[no-untyped-def]
    """A fresh machine's first search finds the seed programs, as `harbor up` would load them."""
    from sqlalchemy import func, select

    from resources_db.models import Service
    from resources_db.seed import load_seed

    if session.scalar(select(func.count()).select_from(Service)) == 0:
        summary = load_seed(session)
        print(f"harbor: the directory was empty; loaded the {summary.services} seed services", file=sys.stderr)


def load_seed_programs(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from harbor.core.db import session_scope
    from resources_db.seed import load_seed

    _directory_ready()

    with session_scope() as session:
        summary = load_seed(session)
    _print(args, asdict(summary), [
        f"Seed directory loaded: {summary.services} services from {summary.organizations} organizations "
        f"({summary.located} with a city, {summary.statewide} statewide, {summary.national} national, "
        f"{summary.confidential} confidential)."])
    return EXIT_OK


def import_hsds(args: argparse.Namespace) -> int:
    from harbor.core.db import session_scope
    from resources_db.hsds import ImportFailed, import_package

    _directory_ready()

    try:
        with session_scope() as session:
            report = import_package(session, args.directory)
    except FileNotFoundError as error:
        raise BadInput(str(error)) from None
    except ImportFailed as error:
        if args.json:
            print(json.dumps({"imported": False, "problems": [str(p) for p in error.problems],
                              "warnings": error.warnings}))
        else:
            _warn(error.warnings)
            print(str(error), file=sys.stderr)
        raise BadInput(f"{len(error.problems)} row problem(s); nothing was imported") from None
    if not args.json:
        _warn(report.warnings)
    total = sum(report.rows.values())
    _print(args, {"imported": True, "package": report.package, "rows": report.rows, "warnings": report.warnings},
           [f"Imported {total} rows from {report.package}: "
            + ", ".join(f"{t} {n}" for t, n in report.rows.items() if n)])
    return EXIT_OK


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"harbor: warning: {warning}", file=sys.stderr)


def export_hsds(args: argparse.Namespace) -> int:
    from harbor.core.db import session_scope
    from resources_db.hsds import export_package

    _directory_ready()

    if args.directory.exists() and not args.directory.is_dir():
        raise BadInput(f"{args.directory} exists and is not a directory")
    with session_scope() as session:
        counts = export_package(session, args.directory)
    _print(args, {"directory": str(args.directory), "rows": counts},
           [f"Exported {sum(counts.values())} rows to {args.directory}: "
            + ", ".join(f"{t} {n}" for t, n in counts.items() if n)])
    return EXIT_OK


def list_categories(args: argparse.Namespace) -> int:
    from resources_db.categories import CATEGORIES

    data = [{"number": n, "code": c.code, "label": c.label, "open_eligibility": c.open_eligibility}
            for n, c in enumerate(CATEGORIES, 1)]
    _print(args, {"categories": data},
           [f"{d['number']:>2}  {d['code']:<22} {d['label']:<26} {d['open_eligibility'] or '-'}" for d in data])
    return EXIT_OK
