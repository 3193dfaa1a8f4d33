"""Every route of every Harbor server, walked: each one refuses a caller without credentials (401 or
403), or is on the allow list below with the reason it may be open. A new route that is neither
fails this test, so nobody adds an open door by accident."""

from __future__ import annotations

import re

import pytest
import requests

from tests.e2e.conftest import RunningHarbor

pytestmark = pytest.mark.e2e

OPEN_RASA = {
    ("GET", "/"): "Rasa's hello, the readiness check: no data",
    ("GET", "/version"): "Rasa's version numbers: no conversation data",
    ("GET", "/webhooks/rest"): "channel health: no data",
    ("GET", "/webhooks/sms"): "channel health: no data",
    ("GET", "/webhooks/socketio"): "channel health: no data",
    ("GET", "/chat"): "the public web chat page, static",
    ("GET", "/chat/static/<path:path>"): "the web chat page's static files",
    ("GET", "/socket.io"): "web chat transport: Harbor issues and signs every session (test_webchat_sessions)",
    ("POST", "/socket.io"): "web chat transport (polling)",
    ("OPTIONS", "/socket.io"): "web chat transport (CORS preflight)",
    ("GET", "/health"): "liveness: no data",
    ("GET", "/health/ready"): "readiness: names of checks and ages, no personal data (deploy/ keeps it off the proxy)",
    ("GET", "/metrics"): "Prometheus counters with fixed labels, no personal data (deploy/ keeps it off the proxy)",
}
OPEN_ACTIONS = {
    ("GET", "/health"): "action server health: no data",
    ("GET", "/health/ready"): "readiness: whether the database answers",
    ("GET", "/metrics"): "Prometheus counters with fixed labels, no personal data",
}


def _concrete(path: str) -> str:
    return re.sub(r"<[^>]+>", "x", path)


def _walk(base: str, routes: list[tuple[str, str]], allowed: dict) -> list[str]:
    problems = []
    for method, path in routes:
        if (method, path) in allowed:
            continue
        # Each in the shape its callers use (Twilio posts forms), so what answers is the lock, not a 4xx
        # about the body.
        body = {"data": {"probe": "1"}} if path.startswith("/webhooks/sms") else {"json": {"probe": 1}}
        answer = requests.request(method, base + _concrete(path), timeout=30, **body)
        if answer.status_code not in (401, 403):
            problems.append(f"{method} {path}: {answer.status_code} without credentials")
    return problems


def _routes(app) -> list[tuple[str, str]]:
    return sorted({(method, "/" + route.path.strip("/")) for route in app.router.routes
                   for method in route.methods if method != "HEAD"})


def test_every_rasa_server_route_is_locked_or_allowed_for_a_reason(harbor: RunningHarbor, monkeypatch):
    from rasa.core.run import configure_app, create_http_input_channels

    from channels import ops

    for key, value in harbor.env.items():
        monkeypatch.setenv(key, value)
    app = configure_app(create_http_input_channels(None, "credentials.yml"), None, "route-walk", True)
    ops.add_routes(app)  # as harbor/cli/rasa_server.py does before the server starts
    routes = _routes(app)
    assert ("POST", "/webhooks/rest/webhook") in routes and ("POST", "/webhooks/sms/webhook") in routes
    assert not set(OPEN_RASA) - set(routes), "allow list names routes that no longer exist"
    assert _walk(harbor.rasa_url, routes, OPEN_RASA) == []


def test_every_action_server_route_is_locked_or_allowed_for_a_reason(harbor: RunningHarbor):
    from bot.action_server import build_app

    routes = _routes(build_app("route-walk"))
    assert ("POST", "/webhook") in routes
    assert not set(OPEN_ACTIONS) - set(routes)
    assert _walk(harbor.actions_url, routes, OPEN_ACTIONS) == []
