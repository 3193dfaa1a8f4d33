"""kill -9 during a burst of risky texts (issue 13): the Rasa server, the action server and the pager, one
at a time, each while several youths text about danger at once through the signed SMS webhook. After the
supervisor restarts it: every message got exactly one reply, every conversation has its escalation, and
every escalation was paged exactly once. The webhook is retried the way Twilio retries it (same MessageSid)
when it could not answer because the server behind it was dying."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bench.harbor_process import free_port
from tests.e2e.conftest import (
    FakeTwilio,
    RunningHarbor,
    harbor_env,
    launch,
    load_roster,
    shut_down,
    started_fake_twilio,
)
from tests.e2e.process_helpers import RESTART_PATIENCE_SECONDS, child_pid
from tests.e2e.test_escalation import escalations_for, pages_for, wait_for
from tests.e2e.test_sms_ack import post_sms

pytestmark = pytest.mark.e2e
RISKY = "he locked me in the room and wont let me leave"
PRIMARY = "+14155550101"
BURST = 4
TWILIO_RETRY_SECONDS = 2
DEAD_SECONDS = 8


@pytest.fixture(scope="module")
def faulty(trained_model: Path, tmp_path_factory: pytest.TempPathFactory,
           project_root: Path) -> Iterator[tuple[RunningHarbor, FakeTwilio]]:
    """A Harbor of its own: its processes are killed here, and only first pages are wanted (no re-page)."""
    with started_fake_twilio(project_root) as fake:
        port = free_port()
        # A restart delay long enough that the second half of each burst is surely handled while the
        # process is dead (the default 1 s can let it finish before the burst reaches it).
        env = {**harbor_env(tmp_path_factory.mktemp("faulty"), port, fake), "HARBOR_ACK_TIMEOUT_SECONDS": "600",
               "HARBOR_SUPERVISOR_TIMEOUT_SECONDS": "1200", "HARBOR_RESTART_DELAY_SECONDS": str(DEAD_SECONDS)}
        load_roster(env)
        running = launch(env, project_root, port)
        try:
            yield running, fake
        finally:
            shut_down(running)


def _text_until_accepted(harbor: RunningHarbor, number: str, message_sid: str) -> None:
    """Twilio retries a webhook that failed or did not answer 2xx, with the same MessageSid."""
    deadline = time.monotonic() + RESTART_PATIENCE_SECONDS
    while time.monotonic() < deadline:
        try:
            if post_sms(harbor, {"From": number, "Body": RISKY, "MessageSid": message_sid}).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(TWILIO_RETRY_SECONDS)
    raise AssertionError(f"the webhook never accepted {message_sid}")


def _wait_until_back(harbor: RunningHarbor, name: str, old_pid: int, ready_before: int) -> None:
    def back() -> bool:
        restarted = child_pid(harbor, name) != old_pid
        ready = sum(f"{name} is ready again" in line for line in harbor.output) > ready_before
        return restarted and ready

    wait_for(back, RESTART_PATIENCE_SECONDS, f"the {name} to be restarted")


@pytest.mark.parametrize("name", ["rasa server", "action server", "pager"])
def test_kill_9_during_a_burst_of_risky_texts_loses_and_doubles_nothing(faulty, name: str, responses):
    harbor, fake = faulty
    numbers = ["+1510555" + f"{uuid.uuid4().int % 10000:04d}" for _ in range(2 * BURST)]
    senders = [threading.Thread(target=_text_until_accepted, args=(harbor, number, "SM" + uuid.uuid4().hex))
               for number in numbers]
    old_pid = child_pid(harbor, name)
    ready_before = sum(f"{name} is ready again" in line for line in harbor.output)
    for thread in senders[:BURST]:
        thread.start()
    time.sleep(0.5)  # the first half is arriving and being handled
    os.kill(old_pid, signal.SIGKILL)
    for thread in senders[BURST:]:
        thread.start()  # the second half arrives while it is dead or restarting
    for thread in senders:
        thread.join(timeout=RESTART_PATIENCE_SECONDS + 30)
    _wait_until_back(harbor, name, old_pid, ready_before)

    def replies(number: str) -> list[str]:
        return [m["body"] for m in fake.messages() if m["to"] == number]

    wait_for(lambda: all(replies(number) for number in numbers), RESTART_PATIENCE_SECONDS, "every reply")
    for number in numbers:
        [escalation] = escalations_for(harbor, number)
        wait_for(lambda escalation=escalation: pages_for(fake, escalation["id"]), 120, "the page")
    time.sleep(5)  # a doubled reply or page would be out by now (the pager's lease is 2 s here)
    if name == "action server":
        # The second half was handled while it was dead: the channel, not the bot, answered those.
        rasa_log = (harbor.var_dir / "log" / "rasa.log").read_text(encoding="utf-8", errors="replace")
        assert "the bot said nothing to a message" in rasa_log
    for number in numbers:
        assert replies(number) == [responses["utter_escalate_danger"]], (name, number)
        [escalation] = escalations_for(harbor, number)
        assert [page["to"] for page in pages_for(fake, escalation["id"])] == [PRIMARY], (name, escalation)
