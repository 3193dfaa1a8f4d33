"""`harbor chat` talks to the real server; a missing server is a clear error, not a traceback."""

from __future__ import annotations

import json
import subprocess

import pytest

from harbor.core.settings import venv_executable
from tests.e2e.conftest import RunningHarbor, free_port

HARBOR = venv_executable("harbor")


@pytest.mark.e2e
def test_chat_over_stdin(harbor: RunningHarbor, responses):
    result = subprocess.run([HARBOR, "chat", "--url", harbor.rest_url, "--sender", "cli-test"],
                            input="hi\nmenu\n", capture_output=True, text=True, timeout=120, env=harbor.env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"harbor> {responses['utter_greet']}",
                                          f"harbor> {responses['utter_menu']}"]


@pytest.mark.e2e
def test_chat_json_lines(harbor: RunningHarbor, responses):
    result = subprocess.run([HARBOR, "chat", "--json", "--url", harbor.rest_url],
                            input="thanks\n", capture_output=True, text=True, timeout=120, env=harbor.env)
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout)
    assert line["text"] == "thanks"
    assert [r["text"] for r in line["replies"]] == [responses["utter_thanks"]]


@pytest.mark.e2e
def test_chat_with_a_wrong_token_says_so(harbor: RunningHarbor):
    result = subprocess.run([HARBOR, "chat", "--url", harbor.rest_url], input="hi\n", capture_output=True,
                            text=True, timeout=60, env={**harbor.env, "HARBOR_REST_TOKEN": "not-the-token"})
    assert result.returncode == 1
    assert "refused the REST token" in result.stderr and "Traceback" not in result.stderr


def test_chat_without_a_server_says_what_to_do():
    url = f"http://127.0.0.1:{free_port()}/webhooks/rest/webhook"
    result = subprocess.run([HARBOR, "chat", "--url", url], input="hi\n", capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "is `harbor up` running?" in result.stderr
    assert "Traceback" not in result.stderr
