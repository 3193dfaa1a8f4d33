"""The `harbor` command: one parser, one command group per module, one way to dispatch.

Every leaf command sets `run` (a function of the parsed arguments returning an exit code from
harbor/cli/errors.py). Command modules import Harbor's packages inside their functions, so
`harbor --help` and the `harbor up` supervisor stay small.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from harbor import __version__
from harbor.cli import (
    console_commands,
    db_commands,
    hotline_commands,
    links_commands,
    privacy_commands,
    resources_commands,
    server_commands,
)
from harbor.cli.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, BadInput, say
from harbor.core.settings import BadSetting

COMMAND_GROUPS = (server_commands, hotline_commands, console_commands, links_commands, resources_commands,
                  privacy_commands, db_commands)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harbor",
        description="Harbor: an SMS and web-chat assistant for youth at risk of commercial sexual "
        "exploitation, their caregivers and providers, and the advocates who answer.",
        epilog="Run `harbor COMMAND --help` for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"harbor {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for group in COMMAND_GROUPS:
        group.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Warnings go to stderr: stdout carries the answer (one JSON object per line with --json).
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="harbor: %(message)s")
    try:
        return args.run(args)
    except (BadInput, BadSetting) as error:
        say(f"error: {error}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception as error:  # the promise of exit code 1 with a reason, never a bare traceback
        if getattr(args, "json", False):
            print(json.dumps({"error": str(error)}))
        say(f"internal error: {error.__class__.__name__}: {error}")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
