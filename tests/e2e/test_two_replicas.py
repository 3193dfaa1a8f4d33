"""Two Harbor replicas on one PostgreSQL and one Redis, as a statewide hotline would run them (issue 13):
one conversation's messages alternated between the replicas, with other conversations going on at the same
time on both, keep every turn in order with the right reply; an escalation is paged once although both
pagers run; an inbound SMS is answered once although both inboxes run. Skipped, saying why, where
PostgreSQL or Redis cannot be reached (.ci/run starts both)."""

from __future__ import annotations

import itertools
import os
import secrets
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
from tests.e2e.test_escalation import escalations_for, pages_for, wait_for
from tests.e2e.test_sms_ack import post_sms
from tests.scratch_postgres import scratch_postgres

pytestmark = pytest.mark.e2e
REDIS_URL = os.environ.get("HARBOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PRIMARY = "+14155550101"


def _redis_reachable() -> bool:
    import redis

    try:
        redis.StrictRedis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        return False
    return True


@pytest.fixture(scope="module")
def replicas(trained_model: Path, tmp_path_factory: pytest.TempPathFactory,
             project_root: Path) -> Iterator[tuple[list[RunningHarbor], FakeTwilio]]:
    if not _redis_reachable():
        pytest.skip(f"Redis not reachable at {REDIS_URL} (CI starts it; see .ci/run)")
    # One of everything a replica must share: the database, the locks, the key behind pseudonyms, the tokens.
    shared = {"REDIS_URL": REDIS_URL, "HARBOR_ID_SECRET": secrets.token_urlsafe(32),
              "HARBOR_RASA_TOKEN": "e2e-" + uuid.uuid4().hex, "HARBOR_REST_TOKEN": "rest-" + uuid.uuid4().hex,
              # Only first pages here: a re-page after the ACK timeout would be a second message, rightly.
              "HARBOR_ACK_TIMEOUT_SECONDS": "600"}
    with scratch_postgres() as database_url, started_fake_twilio(project_root) as fake:
        running: list[RunningHarbor] = []
        try:
            for name in ("a", "b"):  # one after the other: the second finds the schema and directory in place
                port = free_port()
                env = {**harbor_env(tmp_path_factory.mktemp(f"replica-{name}"), port, fake),
                       "DATABASE_URL": database_url, **shared}
                if not running:
                    load_roster(env)
                running.append(launch(env, project_root, port))
            yield running, fake
        finally:
            for replica in running:
                shut_down(replica)


SEARCH = ["need a bed tonight", "94601", "15", "MORE"]


def _expected_search_replies(responses: dict) -> list[list[str]]:
    """What one Harbor answers to SEARCH (tests/e2e/test_resource_search.py checks the same on SQLite)."""
    return [[responses["utter_need_shelter"], responses["utter_ask_resource_place"]]]


def test_a_conversation_alternating_between_replicas_keeps_every_turn_in_order(replicas, responses):
    (a, b), _ = replicas
    conversations = [f"two-{uuid.uuid4().hex[:8]}" for _ in range(6)]
    replies: dict[str, list[list[str]]] = {c: [] for c in conversations}
    failures: list[BaseException] = []

    def talk(sender: str, offset: int) -> None:
        try:
            for turn, text in enumerate(SEARCH):
                replica = (a, b)[(turn + offset) % 2]  # every message to the other replica than the last
                replies[sender].append(replica.texts(text, sender))
        except BaseException as error:  # reported below, with the conversation
            failures.append(error)

    threads = [threading.Thread(target=talk, args=(c, i)) for i, c in enumerate(conversations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == []
    expected = _expected_search_replies(responses)
    for sender in conversations:
        said = replies[sender]
        assert said[:1] == expected, sender
        assert said[1][0].startswith("Here is what I found for safe place tonight, near 94601 (Oakland, CA)")
        assert said[1][-1] == responses["utter_resource_age_after"]
        assert said[2][0].startswith("Here is what I found for safe place tonight, near 94601 (Oakland, CA)")
        assert said[2][1].startswith("1) Emergency Youth Shelter (Oakland")
        assert said[3][0].startswith("4) National Human Trafficking Hotline (national)")
        # Either replica reads the same conversation: every message once, in the order it was sent.
        for replica in (a, b):
            tracker = requests.get(f"{replica.rasa_url}/conversations/rest:{sender}/tracker",
                                   params={"token": replica.env["HARBOR_RASA_TOKEN"]}, timeout=30).json()
            assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == SEARCH


BURST = ["hi", "MENU", "what are the warning signs", "ok thanks", "bye"]
BURST_SPACING_SECONDS = 0.15  # far longer than a request takes to arrive, far shorter than a reply


def test_messages_sent_at_once_to_both_replicas_are_taken_one_whole_turn_at_a_time(replicas):
    """The person does not wait for replies: a burst alternating between the replicas. Only a lock shared
    in Redis keeps the two from reading the same conversation at once and writing over each other."""
    (a, b), _ = replicas
    conversations = [f"burst-{uuid.uuid4().hex[:8]}" for _ in range(4)]
    replies: dict[tuple[str, int], list[str]] = {}

    def send(sender: str, index: int) -> None:
        replies[(sender, index)] = (a, b)[index % 2].texts(BURST[index], sender)

    threads = []
    for index in range(len(BURST)):
        for sender in conversations:
            threads.append(threading.Thread(target=send, args=(sender, index)))
            threads[-1].start()
        time.sleep(BURST_SPACING_SECONDS)
    for thread in threads:
        thread.join(timeout=300)
    assert all(replies.get((sender, index)) for sender in conversations for index in range(len(BURST)))
    for sender in conversations:
        tracker = requests.get(f"{a.rasa_url}/conversations/rest:{sender}/tracker",
                               params={"token": a.env["HARBOR_RASA_TOKEN"]}, timeout=30).json()
        events = [e for e in tracker["events"] if e["event"] in ("user", "bot")]
        # Every message once. Their order is the order the replicas took them in, which a busy replica
        # can change by a few milliseconds; what must never happen is two replicas in one conversation.
        assert sorted(e["text"] for e in events if e["event"] == "user") == sorted(BURST), sender
        # So each turn is whole: a message, then exactly the replies its sender got, then the next message.
        turns = [i for i, e in enumerate(events) if e["event"] == "user"] + [len(events)]
        for start, end in itertools.pairwise(turns):
            said = events[start]["text"]
            got = [e["text"] for e in events[start + 1:end]]
            assert got == replies[(sender, BURST.index(said))], (sender, said)


def test_an_escalation_is_paged_once_with_both_pagers_running(replicas, responses):
    (a, b), fake = replicas
    senders = [f"esc-{uuid.uuid4().hex[:8]}" for _ in range(4)]
    threads = [threading.Thread(target=(a, b)[i % 2].texts, args=("he locked me in the room and wont let me leave",
                                                                   sender))
               for i, sender in enumerate(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for sender in senders:
        [escalation] = escalations_for(a, sender)
        wait_for(lambda escalation=escalation: pages_for(fake, escalation["id"]), 30, "the page")
    time.sleep(5)  # both pagers have had time to claim every page twice over (their lease is 2 s here)
    for sender in senders:
        [escalation] = escalations_for(b, sender)
        pages = pages_for(fake, escalation["id"])
        assert [page["to"] for page in pages] == [PRIMARY], escalation


def test_an_inbound_sms_is_answered_once_whichever_replica_took_it(replicas, responses):
    (a, b), fake = replicas
    numbers = ["+1510555" + f"{uuid.uuid4().int % 10000:04d}" for _ in range(6)]

    def text_in(index: int, number: str) -> None:
        replica = (a, b)[index % 2]
        params = {"From": number, "Body": "MENU", "MessageSid": "SM" + uuid.uuid4().hex}
        assert post_sms(replica, params).status_code == 200

    threads = [threading.Thread(target=text_in, args=(i, n)) for i, n in enumerate(numbers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for number in numbers:
        wait_for(lambda number=number: [m for m in fake.messages() if m["to"] == number], 60, "the reply")
    time.sleep(5)  # a second reply, had either inbox claimed a message twice, would be out by now
    for number in numbers:
        assert [m["body"] for m in fake.messages() if m["to"] == number] == [responses["utter_menu"]], number
