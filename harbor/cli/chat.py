"""`harbor chat`: a terminal conversation with the running server, over the REST channel."""

from __future__ import annotations

import json
import sys
import uuid
from typing import TextIO

import requests

TIMEOUT_SECONDS = 60


class ServerUnreachable(RuntimeError):
    pass


def send(url: str, sender: str, text: str, token: str | None = None) -> list[dict]:
    """The bot's replies to `text`; the REST channel's token is read from the secret store by default."""
    if token is None:
        from harbor.core.settings import rest_token

        token = rest_token()
    try:
        response = requests.post(url, json={"sender": sender, "message": text}, timeout=TIMEOUT_SECONDS,
                                 headers={"Authorization": f"Bearer {token}"})
    except requests.RequestException as error:
        raise ServerUnreachable(
            f"cannot reach Harbor at {url} ({error.__class__.__name__}); is `harbor up` running?"
        ) from error
    if response.status_code == 401:
        raise ServerUnreachable(f"Harbor refused the REST token at {url}: set HARBOR_REST_TOKEN to the server's "
                                "token (var/secrets/rest_token of the running server)")
    if response.status_code != 200:
        raise ServerUnreachable(f"Harbor answered HTTP {response.status_code} at {url}")
    return response.json()


def format_reply(message: dict) -> str:
    lines = [message.get("text") or ""]
    for index, button in enumerate(message.get("buttons") or [], start=1):
        lines.append(f"  {index}. {button.get('title')}")
    if message.get("image"):
        lines.append(f"  [image] {message['image']}")
    return "\n".join(line for line in lines if line)


def run_chat(url: str, sender: str | None, as_json: bool, stdin: TextIO = sys.stdin,
             stdout: TextIO = sys.stdout) -> int:
    sender = sender or f"cli-{uuid.uuid4().hex[:12]}"
    interactive = stdin.isatty()
    if interactive:
        print(f"Chatting with Harbor at {url} as {sender}. Ctrl-D to quit.", file=stdout)
    while True:
        if interactive:
            print("you> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            return 0
        text = line.rstrip("\n")
        replies = send(url, sender, text)
        if as_json:
            print(json.dumps({"sender": sender, "text": text, "replies": replies}), file=stdout, flush=True)
            continue
        for reply in replies:
            print(f"harbor> {format_reply(reply)}", file=stdout, flush=True)
