"""The `harbor` command. Exit codes: 0 ok, 2 bad input (one line on stderr), 1 internal error."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from harbor import __version__

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2


def _say(message: str) -> None:
    print(f"harbor: {message}", file=sys.stderr, flush=True)


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range 1-65535: {port}")
    return port


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

    up = commands.add_parser(
        "up", help="train if the data changed, then start every Harbor process",
        description="Trains the model if the data changed (Rasa's fingerprinting skips unchanged "
        "parts), then runs the action server, the Rasa server (REST channel, HTTP API with an "
        "auth token) and the pager until Ctrl-C (exit code 0). A process that dies is restarted "
        "(after 1, 2, 4 ... 60 s) while the others keep running; only if one dies 5 times within "
        "5 minutes does everything stop, with exit code 1. Refuses to start (exit code 2) on "
        "configuration that would fail silently, such as Twilio credentials without HARBOR_PUBLIC_URL.",
    )
    up.add_argument("--no-train", action="store_true", help="use the model on disk as it is")
    up.add_argument("--port", type=_port, help="Rasa server port (default $HARBOR_RASA_PORT or 5005)")
    up.add_argument("--actions-port", type=_port,
                    help="action server port (default $HARBOR_ACTIONS_PORT or 5055)")
    up.add_argument("--json", action="store_true", help="print the ready message as one JSON object")

    train = commands.add_parser(
        "train", help="train the Rasa model from bot/data (skips unchanged parts)",
        description="Builds the blank spaCy pipeline if missing, then trains bot/models/harbor.tar.gz "
        "from config.yml, domain.yml and bot/data.",
    )
    train.add_argument("--force", action="store_true", help="retrain every component")

    chat = commands.add_parser(
        "chat", help="talk to the running server from the terminal",
        description="Reads lines from the terminal (or stdin), sends each to the REST channel of a "
        "running Harbor (`harbor up`) and prints the replies.",
    )
    chat.add_argument("--url", help="REST webhook URL (default: the local server from `harbor up`)")
    chat.add_argument("--sender", help="conversation id to use (default: a new random one)")
    chat.add_argument("--json", action="store_true", help="print one JSON object per message")

    from harbor import cli_hotline, cli_privacy, cli_resources

    cli_hotline.add_parsers(commands)
    cli_resources.add_parsers(commands)
    cli_privacy.add_parsers(commands)
    return parser


def _cmd_up(args: argparse.Namespace) -> int:
    import os

    from harbor.cli_hotline import BadInput
    from harbor.settings import server_settings
    from harbor.training import train
    from harbor.up import configuration_problem, run_up

    problem = configuration_problem(os.environ)
    if problem:
        raise BadInput(problem)
    # Everything harbor up and its children create (logs, database, outbox, model) is private.
    os.umask(0o077)
    settings = server_settings(args.port, args.actions_port)
    if not args.no_train:
        _say("checking the model (trains only what changed)")
        if train(quiet=args.json) != 0:  # in a child process: spaCy, Rasa, TensorFlow never load here
            _say("training failed; see the output above")
            return EXIT_INTERNAL
    return run_up(settings, _say, as_json=args.json)


def _cmd_train(args: argparse.Namespace) -> int:
    from harbor.training import train

    code = train(force=args.force)
    if code != 0:
        _say(f"training failed (exit code {code}; see the output above)")
        return EXIT_INTERNAL
    return EXIT_OK


def _cmd_chat(args: argparse.Namespace) -> int:
    from harbor.chat import ServerUnreachable, run_chat
    from harbor.settings import server_settings

    url = args.url or server_settings().rest_webhook_url
    try:
        return run_chat(url, args.sender, args.json)
    except ServerUnreachable as error:
        _say(str(error))
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        return EXIT_OK


def _handlers() -> dict:
    from harbor import cli_hotline, cli_privacy, cli_resources

    return {"up": _cmd_up, "train": _cmd_train, "chat": _cmd_chat, **cli_hotline.HANDLERS,
            **cli_resources.HANDLERS, **cli_privacy.HANDLERS}


def main(argv: Sequence[str] | None = None) -> int:
    from harbor.cli_hotline import BadInput

    args = build_parser().parse_args(argv)
    # Warnings go to stderr: stdout carries the answer (one JSON object per line with --json).
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="harbor: %(message)s")
    try:
        return _handlers()[args.command](args)
    except BadInput as error:
        _say(f"error: {error}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception as error:  # the promise of exit code 1 with a reason, never a bare traceback
        if getattr(args, "json", False):
            print(json.dumps({"error": str(error)}))
        _say(f"internal error: {error.__class__.__name__}: {error}")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
