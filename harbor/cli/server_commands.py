"""`harbor up`, `harbor train`, `harbor chat`: run Harbor, train its model, talk to it."""

from __future__ import annotations

import argparse

from harbor.cli.errors import EXIT_INTERNAL, EXIT_OK, BadInput, say


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range 1-65535: {port}")
    return port


def add_parsers(commands: argparse._SubParsersAction) -> None:
    up = commands.add_parser(
        "up", help="train if the data changed, then start every Harbor process",
        description="Trains the model if the data changed (Rasa's fingerprinting skips unchanged "
        "parts), then runs the action server, the Rasa server (REST channel, HTTP API with an "
        "auth token), the pager and the hotline console until Ctrl-C (exit code 0). A process that dies is restarted "
        "(after 1, 2, 4 ... 60 s) while the others keep running; only if one dies 5 times within "
        "5 minutes does everything stop, with exit code 1. Refuses to start (exit code 2) on "
        "configuration that would fail silently, such as Twilio credentials without HARBOR_PUBLIC_URL.",
    )
    up.add_argument("--no-train", action="store_true", help="use the model on disk as it is")
    up.add_argument("--port", type=_port, help="Rasa server port (default $HARBOR_RASA_PORT or 5005)")
    up.add_argument("--actions-port", type=_port,
                    help="action server port (default $HARBOR_ACTIONS_PORT or 5055)")
    up.add_argument("--console-port", type=_port,
                    help="hotline console port (default $HARBOR_CONSOLE_PORT or 8088)")
    up.add_argument("--pager-port", type=_port,
                    help="port of the pager's /health and /metrics (default $HARBOR_PAGER_PORT or 5056)")
    up.add_argument("--json", action="store_true", help="print the ready message as one JSON object")
    up.set_defaults(run=start_harbor)

    train = commands.add_parser(
        "train", help="train the Rasa model from bot/data (skips unchanged parts)",
        description="Builds the blank spaCy pipeline if missing, then trains bot/models/harbor.tar.gz "
        "from config.yml, domain.yml and bot/data.",
    )
    train.add_argument("--force", action="store_true", help="retrain every component")
    train.set_defaults(run=train_model)

    chat = commands.add_parser(
        "chat", help="talk to the running server from the terminal",
        description="Reads lines from the terminal (or stdin), sends each to the REST channel of a "
        "running Harbor (`harbor up`) and prints the replies.",
    )
    chat.add_argument("--url", help="REST webhook URL (default: the local server from `harbor up`)")
    chat.add_argument("--sender", help="conversation id to use (default: a new random one)")
    chat.add_argument("--json", action="store_true", help="print one JSON object per message")
    chat.set_defaults(run=chat_with_harbor)


def start_harbor(args: argparse.Namespace) -> int:
    import os

    from harbor.cli.training import train
    from harbor.cli.up import configuration_problem, run_up
    from harbor.core.settings import restart_delay_seconds, server_settings

    problem = configuration_problem(os.environ)
    if problem:
        raise BadInput(problem)
    restart_delay_seconds()  # a bad value stops here, before minutes of training
    # Everything harbor up and its children create (logs, database, outbox, model) is private.
    os.umask(0o077)
    settings = server_settings(args.port, args.actions_port, args.console_port, args.pager_port)
    if not args.no_train:
        say("checking the model (trains only what changed)")
        if train(quiet=args.json) != 0:  # in a child process: spaCy, Rasa, TensorFlow never load here
            say("training failed; see the output above")
            return EXIT_INTERNAL
    return run_up(settings, say, as_json=args.json)


def train_model(args: argparse.Namespace) -> int:
    from harbor.cli.training import train

    code = train(force=args.force)
    if code != 0:
        say(f"training failed (exit code {code}; see the output above)")
        return EXIT_INTERNAL
    return EXIT_OK


def chat_with_harbor(args: argparse.Namespace) -> int:
    from harbor.cli.chat import ServerUnreachable, run_chat
    from harbor.core.settings import server_settings

    url = args.url or server_settings().rest_webhook_url
    try:
        return run_chat(url, args.sender, args.json)
    except ServerUnreachable as error:
        say(str(error))
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        return EXIT_OK
