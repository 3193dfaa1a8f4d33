"""`harbor purge`: erase conversations idle longer than the retention period (no open escalation)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta

from harbor.cli.errors import EXIT_OK
from harbor.core.settings import retention_days


def add_parsers(commands: argparse._SubParsersAction) -> None:
    purge = commands.add_parser(
        "purge", help="erase conversations idle longer than HARBOR_RETENTION_DAYS (default 30)",
        description="Erases the messages, slots (safety plans), SMS texts and encrypted numbers of every "
        "conversation idle longer than the retention period that has no open escalation. Escalation "
        "records keep their level, categories and times, linked to nothing. The pager runs this daily.")
    purge.add_argument("--days", help="retention in days (default $HARBOR_RETENTION_DAYS or 30)")
    purge.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    purge.set_defaults(run=purge_idle_conversations)


def purge_idle_conversations(args: argparse.Namespace) -> int:
    from channels.erasure import purge_idle

    days = retention_days(args.days)
    purged = purge_idle(datetime.utcnow(), timedelta(days=days))
    if args.json:
        print(json.dumps({"retention_days": days, "conversations": purged.conversations,
                          "events": purged.events, "message_ids": purged.sids}))
    else:
        print(f"erased {purged.conversations} conversations idle over {days:g} days "
              f"({purged.events} events); dropped {purged.sids} old message ids")
    return EXIT_OK
