"""The `harbor` command's exit codes and how a command reports its answer or a problem: the one place.

0 ok; 2 bad input, with a one-line reason on stderr; 1 internal error (also one line, never a
bare traceback). DESIGN.md lists these as a stable interface.
"""

from __future__ import annotations

import json
import sys

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2


class BadInput(ValueError):
    """Reported as one line on stderr with exit code 2."""


def say(message: str) -> None:
    """One line for the person at the terminal, on stderr: stdout carries the answer (--json)."""
    print(f"harbor: {message}", file=sys.stderr, flush=True)


def show(data: object, as_json: bool, text: str) -> None:
    """A command's answer on stdout: one JSON object (--json, for machines) or lines for people."""
    print(json.dumps(data, default=str) if as_json else text)
