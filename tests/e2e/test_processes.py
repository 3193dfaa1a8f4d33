"""What an operator sees of a running `harbor up` from outside (ps, ss, ls -l, kill -9), and what
an attacker on the same machine or network can do to it.

The last test kills the real Rasa server (kill -9) and waits for the supervisor to bring it back:
it runs last in this file so the others look at a harbor that never crashed."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
import requests

from harbor.core.settings import venv_executable
from tests.e2e.process_helpers import (
    child_pid,
    command_line,
    harbor_pids,
    listening_sockets,
    restart_rasa_by_kill,
    run_state,
)

pytestmark = pytest.mark.e2e

CHILDREN = ("action server", "rasa server", "pager", "console")


def _actions_base(harbor) -> str:
    return run_state(harbor)["children"]["action server"]["ready_url"].removesuffix("/health")


def _secrets(harbor) -> dict[str, str]:
    """Every secret this harbor knows: var/secrets/* and the tokens in its environment."""
    found = {f"var/secrets/{p.name}": p.read_text().strip() for p in (harbor.var_dir / "secrets").iterdir()}
    found.update({name: value for name, value in harbor.env.items()
                  if value and any(word in name for word in ("TOKEN", "SECRET", "PASSWORD"))})
    assert found["var/secrets/actions_token"] and found["HARBOR_RASA_TOKEN"]
    return found


def _escalation_count(harbor) -> int:
    listed = subprocess.run([venv_executable("harbor"), "escalations", "list", "--json"],
                            env=harbor.env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    return len(json.loads(listed.stdout))


def _imminent_danger_call(sender: str) -> dict:
    """An action-server call as Rasa would send it for a youth in danger: it would page advocates."""
    risk = {"level": "imminent", "categories": ["imminent_danger"], "signals": ["forged"], "escalates": True}
    return {
        "next_action": "action_escalate",
        "sender_id": sender,
        "version": "3.6.21",
        "tracker": {
            "sender_id": sender, "slots": {}, "events": [], "paused": False, "followup_action": None,
            "active_loop": {}, "latest_action_name": "action_listen", "latest_event_time": None,
            "latest_input_channel": "rest",
            "latest_message": {"text": "forged", "intent": {"name": "in_danger_now", "confidence": 1.0},
                               "entities": [], "risk": risk},
        },
        "domain": {},
    }


def test_every_process_listens_on_loopback_only(harbor):
    pids = harbor_pids(harbor)
    assert len(pids) >= 1 + len(CHILDREN)
    sockets = listening_sockets(pids)
    ports = {s.port for s in sockets}
    assert int(harbor.rasa_url.rsplit(":", 1)[1]) in ports
    assert int(_actions_base(harbor).rsplit(":", 1)[1]) in ports
    exposed = [(command_line(s.pid), s.address, s.port) for s in sockets if not s.loopback]
    assert exposed == []


def test_the_action_server_refuses_callers_without_its_token(harbor, sender):
    actions = _actions_base(harbor)
    escalations_before = _escalation_count(harbor)

    anonymous = requests.post(f"{actions}/webhook", json=_imminent_danger_call(sender), timeout=30)
    assert anonymous.status_code == 401
    forged = requests.post(f"{actions}/webhook", json=_imminent_danger_call(sender), timeout=30,
                           headers={"Authorization": "Bearer not-the-token"})
    assert forged.status_code == 401
    assert requests.get(f"{actions}/actions", timeout=30).status_code == 401
    assert _escalation_count(harbor) == escalations_before  # nobody was paged

    token = (harbor.var_dir / "secrets" / "actions_token").read_text().strip()
    listed = requests.get(f"{actions}/actions", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert listed.status_code == 200
    assert {"name": "action_escalate"} in listed.json()
    assert requests.get(f"{actions}/health", timeout=30).status_code == 200  # open: the supervisor asks it


def test_no_secret_is_on_any_command_line(harbor):
    secrets = _secrets(harbor)
    pids = harbor_pids(harbor)
    assert len(pids) >= 1 + len(CHILDREN)
    for pid in pids:
        shown = command_line(pid)
        leaked = [name for name, value in secrets.items() if value in shown]
        assert leaked == [], f"ps shows {leaked} in: {shown}"


def test_the_run_state_holds_no_secret(harbor):
    text = (harbor.var_dir / "run" / "harbor.json").read_text()
    assert [name for name, value in _secrets(harbor).items() if value in text] == []
    assert "token" not in text.lower()
    assert set(run_state(harbor)["children"]) == set(CHILDREN)


def test_var_logs_and_run_state_are_private(harbor):
    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(harbor.var_dir) == 0o700
    for folder in ("log", "run", "secrets"):
        assert mode(harbor.var_dir / folder) == 0o700, folder
    logs = list((harbor.var_dir / "log").iterdir())
    assert {"actions.log", "rasa.log", "pager.log"} <= {p.name for p in logs}
    files = [*logs, harbor.var_dir / "run" / "harbor.json", *(harbor.var_dir / "secrets").iterdir(),
             harbor.var_dir / "harbor.db"]
    assert {str(p): oct(mode(p)) for p in files if mode(p) != 0o600} == {}


def test_a_megabyte_post_gets_413_and_the_server_keeps_answering(harbor, sender):
    auth = getattr(harbor, "auth", {})  # the REST channel's bearer token, where it needs one
    big = requests.post(harbor.rest_url, data=b"x" * 1_000_000, timeout=60,
                        headers={**auth, "Content-Type": "application/json"})
    assert big.status_code == 413
    assert harbor.texts("hi", sender)


def test_the_supervisor_stays_small(harbor):
    # `harbor up` used to keep the spaCy pipeline and the ZIP code table (about 874 MB) for its
    # whole life; it only needs to watch three processes.
    status = Path(f"/proc/{harbor.process.pid}/status").read_text()
    peak_kb = int(status.split("VmHWM:")[1].split()[0])
    assert peak_kb < 150 * 1024


def test_a_killed_rasa_server_restarts_while_the_pager_and_actions_keep_running(harbor, sender):
    """kill -9 of the Rasa server: the supervisor says so, restarts it, and nothing else stops."""
    others = {name: child_pid(harbor, name) for name in ("pager", "action server")}
    old_rasa = child_pid(harbor, "rasa server")

    restart_rasa_by_kill(harbor)

    # 1 s after a first crash; more if another test killed it within the last 5 minutes
    log = re.escape(str(harbor.var_dir / "log" / "rasa.log"))
    notice = rf"restarting rasa server in \d+ s \(it was killed by SIGKILL; see {log}\)"
    assert re.search(notice, "".join(harbor.output))
    assert {name: child_pid(harbor, name) for name in others} == others
    for pid in others.values():
        os.kill(pid, 0)  # still alive (raises if not)
    assert child_pid(harbor, "rasa server") != old_rasa
    assert harbor.process.poll() is None
    assert harbor.texts("hi", sender)  # and it talks again
