"""Rasa's conversation locks shared in real Redis by several replicas: every ticket distinct, and
turns taken one at a time (REDIS_URL; skipped, saying why, where no Redis runs)."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid

import pytest
import redis

from harbor.cli.redis_lock_store import AtomicRedisLockStore

URL = os.environ.get("HARBOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def prefix() -> str:
    try:
        redis.StrictRedis.from_url(URL, socket_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {URL} ({type(error).__name__}); .ci/run starts one where it can")
    name = "t" + uuid.uuid4().hex[:12]
    yield name
    client = redis.StrictRedis.from_url(URL)
    for key in client.scan_iter(f"{name}:*"):
        client.delete(key)


def test_eight_replicas_taking_25_tickets_each_get_200_distinct_numbers(prefix: str):
    stores = [AtomicRedisLockStore(url=URL, key_prefix=prefix) for _ in range(8)]
    numbers: list[int] = []
    guard = threading.Lock()

    def take(store: AtomicRedisLockStore) -> None:
        for _ in range(25):
            number = store.issue_ticket("sms:one-conversation", 60)
            with guard:
                numbers.append(number)

    threads = [threading.Thread(target=take, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(numbers) == 200 and len(set(numbers)) == 200
    lock = stores[0].get_lock("sms:one-conversation")
    assert [t.number for t in lock.tickets] == sorted(numbers)  # the stored lock Rasa reads agrees


async def test_turns_are_taken_one_at_a_time_across_replicas(prefix: str):
    stores = [AtomicRedisLockStore(url=URL, key_prefix=prefix) for _ in range(4)]
    shared = {"turns": 0, "inside": 0, "most_inside": 0}

    async def one_turn(store: AtomicRedisLockStore) -> None:
        async with store.lock("web:conversation", lock_lifetime=30, wait_time_in_seconds=0.01):
            shared["inside"] += 1
            shared["most_inside"] = max(shared["most_inside"], shared["inside"])
            seen = shared["turns"]
            await asyncio.sleep(0.005)  # a read-modify-write that a second holder would spoil
            shared["turns"] = seen + 1
            shared["inside"] -= 1

    await asyncio.gather(*[one_turn(stores[n % 4]) for n in range(40)])
    assert shared == {"turns": 40, "inside": 0, "most_inside": 1}
    assert stores[0].get_lock("web:conversation") is None  # the last one out removed the lock


def test_expired_tickets_are_dropped_and_numbering_goes_on(prefix: str):
    store = AtomicRedisLockStore(url=URL, key_prefix=prefix)
    first = store.issue_ticket("rest:x", -1)  # already expired
    second = store.issue_ticket("rest:x", 60)
    assert (first, second) == (0, 0)  # the expired one was dropped before numbering
    third = store.issue_ticket("rest:x", 60)
    store.cleanup("rest:x", second)
    assert [t.number for t in store.get_lock("rest:x").tickets] == [third]


def test_with_redis_url_the_rasa_server_runs_with_the_shared_lock_store(tmp_path, monkeypatch):
    from rasa.core.lock_store import LockStore
    from rasa.core.utils import read_endpoints_from_path

    from harbor.cli.rasa_server import endpoints_file

    monkeypatch.setenv("HARBOR_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert endpoints_file().name == "endpoints.yml" and endpoints_file().parent != tmp_path / "run"
    monkeypatch.setenv("REDIS_URL", URL)
    monkeypatch.setenv("HARBOR_ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("HARBOR_ACTIONS_TOKEN", "test-token")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'h.db'}")
    written = endpoints_file()
    assert URL not in written.read_text()
    store = LockStore.create(read_endpoints_from_path(written).lock_store)
    assert isinstance(store, AtomicRedisLockStore)
