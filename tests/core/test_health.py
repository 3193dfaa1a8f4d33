"""Readiness checks: off the event loop, bounded in time, one run in flight, and never a leaked error text."""

from __future__ import annotations

import threading

from harbor.core.health import Check, NotReady, database_check, readiness


async def test_a_check_that_never_answers_is_not_ready_and_is_not_started_twice():
    release, runs = threading.Event(), []

    def hangs() -> None:
        runs.append(1)
        release.wait(10)

    check = Check("database", hangs, key="test-hangs")
    try:
        first = await readiness([check], timeout=0.05)
        second = await readiness([check], timeout=0.05)
    finally:
        release.set()
    assert first[0] == second[0] == 503
    assert first[1]["not_ready"] == ["database"] and "no answer within" in first[1]["checks"]["database"]["detail"]
    assert runs == [1]  # the second probe waited for the first run instead of starting another


async def test_an_error_is_named_by_its_type_only():
    def fails() -> None:
        raise RuntimeError("could not connect to postgresql://harbor:hunter2@db.internal/harbor")

    status, body = await readiness([Check("database", fails, key="test-fails")])
    assert status == 503 and body["checks"]["database"] == {"ok": False, "detail": "failed (RuntimeError)"}
    assert "hunter2" not in str(body)


async def test_an_advisory_check_is_reported_without_making_the_process_unready(db_url):
    def stale() -> None:
        raise NotReady("last pager heartbeat 90 s ago", age_seconds=90.0)

    status, body = await readiness([database_check(db_url), Check("pager", stale, required=False)])
    assert status == 200 and body["status"] == "ready" and body["warnings"] == ["pager"]
    assert body["checks"]["pager"] == {"ok": False, "detail": "last pager heartbeat 90 s ago", "age_seconds": 90.0,
                                       "required": False}


async def test_a_missing_sqlite_directory_is_a_database_that_does_not_answer(tmp_path):
    status, body = await readiness([database_check(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")])
    assert status == 503 and body["not_ready"] == ["database"]
