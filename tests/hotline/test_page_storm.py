"""A page storm: many new conversations escalating at once (a flood, a prank, a bug upstream). The
queue must still show every escalation, advocates' phones must not be flooded, and the supervisor
must hear about it once. These tests open the escalations and read what each phone receives."""

from __future__ import annotations

import asyncio
import re
import secrets
import threading
from datetime import datetime

import pytest
from sqlalchemy import select

from harbor.core.gsm7 import is_gsm7
from harbor.core.settings import BadSetting, HotlineConfig
from hotline.escalations import acknowledge, as_dict, list_escalations, open_or_update
from hotline.models import Page
from hotline.pager import PagerWorker
from tests.hotline.support import (
    BACKUP_PHONE,
    PRIMARY_PHONE,
    SUPERVISOR_PHONE,
    YOUTH_NUMBER,
    Clock,
    RecordingSender,
    config,
    database,
)

NOW = datetime(2026, 11, 25, 12, 0)


@pytest.fixture
def db_url(hotline_db_url: str) -> str:
    return hotline_db_url


class Storm:
    """A hotline with a roster on shift, a clock, and phones that record what they receive."""

    def __init__(self, url: str, tmp_path, limit: int = 20) -> None:
        self.clock = Clock(NOW)
        self.sessions = database(tmp_path, now=NOW, url=url)
        self.config = config(page_storm_per_minute=limit)
        self.phones = RecordingSender()
        self.pager = PagerWorker(self.sessions, self.phones, self.config, self.clock)

    def escalate(self, conversation: str, level: str = "high") -> int:
        with self.sessions() as session:
            opened = open_or_update(session, conversation, "sms", level, ["exploitation"], self.config, self.clock())
            session.commit()
            return opened.escalation_id

    def burst(self, count: int, step_seconds: float = 0.0) -> list[int]:
        """`count` new conversations (pseudonyms, as the channels make them) escalating in turn."""
        ids = []
        for _ in range(count):
            ids.append(self.escalate(f"sms:{secrets.token_hex(8)}"))
            self.clock.advance(step_seconds)
        return ids

    def deliver(self) -> None:
        asyncio.run(self.pager.run_once())

    def storm_alerts(self) -> list[str]:
        return [body for body in self.phones.to(SUPERVISOR_PHONE) if "PAGE STORM" in body]

    def paged_ids(self, phone: str) -> list[int]:
        return [int(re.search(r"ESC-(\d+):", body).group(1)) for body in self.phones.to(phone) if "ESC-" in body
                and "PAGE STORM" not in body]

    def page_statuses(self, escalation_id: int) -> dict[str, str]:
        with self.sessions() as session:
            return {p.to_number: p.status for p in session.scalars(
                select(Page).where(Page.escalation_id == escalation_id, ~Page.idempotency_key.startswith("storm-")))}


@pytest.fixture
def storm(db_url, tmp_path) -> Storm:
    return Storm(db_url, tmp_path)


def test_past_twenty_in_a_minute_escalations_are_queued_but_their_pages_are_held(storm):
    ids = storm.burst(25, step_seconds=2)  # 25 new conversations in 50 s
    storm.deliver()
    assert storm.paged_ids(PRIMARY_PHONE) == ids[:20]  # the first 20 page as always
    assert len(storm.storm_alerts()) == 1  # and the supervisor hears about the storm once
    assert storm.phones.to(BACKUP_PHONE) == []
    for held in ids[20:]:
        assert storm.page_statuses(held) == {PRIMARY_PHONE: "held"}
    with storm.sessions() as session:
        queue = {e["id"]: e for e in map(as_dict, list_escalations(session))}
    assert sorted(queue) == ids and {queue[i]["status"] for i in ids} == {"open"}
    assert [i for i in ids if queue[i]["pages_held"]] == ids[20:]


def test_the_storm_alert_gives_counts_ids_and_the_queue_link_only(storm):
    conversations = [f"sms:{n:02x}c0ffee{n:04d}" for n in range(21)]
    ids = [storm.escalate(c) for c in conversations]
    storm.deliver()
    [alert] = storm.storm_alerts()
    assert is_gsm7(alert) and len(alert) <= 160
    assert "21 new escalations in 60 s" in alert and f"ESC-{ids[0]}..ESC-{ids[-1]}" in alert
    assert "http://console.test/escalations" in alert
    assert "ACK" not in alert and YOUTH_NUMBER[-7:] not in alert
    for body in [*storm.phones.to(PRIMARY_PHONE), alert]:
        assert is_gsm7(body)
        assert not any(c in body or c.split(":")[1] in body for c in conversations)


def test_one_alert_per_storm_and_none_again_within_ten_minutes(storm):
    storm.burst(21)
    storm.deliver()
    storm.clock.advance(5 * 60)
    storm.burst(21)  # a second wave five minutes later: still held, no second alert
    storm.deliver()
    assert len(storm.storm_alerts()) == 1
    storm.clock.advance(5 * 60 + 1)
    storm.burst(21)  # more than ten minutes after the alert: the supervisor is told again
    storm.deliver()
    assert len(storm.storm_alerts()) == 2


def test_held_escalations_wait_while_the_storm_lasts_and_are_paged_once_it_passes(storm):
    ids = storm.burst(22, step_seconds=1)
    held = ids[20:]
    storm.deliver()
    everyone = storm.paged_ids(PRIMARY_PHONE) + storm.paged_ids(BACKUP_PHONE) + storm.paged_ids(SUPERVISOR_PHONE)
    assert not set(held) & set(everyone)  # during the storm: held
    for escalation_id in held:
        assert storm.page_statuses(escalation_id) == {PRIMARY_PHONE: "held"}
    storm.clock.advance(61)  # the window is quiet again: a storm delays pages, it never loses them
    storm.deliver()
    assert set(held) <= set(storm.paged_ids(PRIMARY_PHONE))
    assert len(storm.storm_alerts()) == 1


def test_after_a_storm_held_pages_go_out_no_faster_than_the_limit(storm):
    ids = storm.burst(45, step_seconds=0)
    held = ids[20:]
    storm.clock.advance(61)
    storm.deliver()
    released_first = set(held) & set(storm.paged_ids(PRIMARY_PHONE))
    assert len(released_first) == 20  # the limit per minute
    storm.clock.advance(61)
    storm.deliver()
    assert set(held) <= set(storm.paged_ids(PRIMARY_PHONE))


def test_danger_right_now_is_never_held(storm):
    storm.burst(21)
    urgent = storm.escalate("sms:urgent01", level="imminent")
    storm.deliver()
    assert storm.page_statuses(urgent) == {PRIMARY_PHONE: "sent"}


def test_the_window_rolls_so_paging_resumes_when_the_storm_passes(storm):
    storm.burst(20)
    storm.clock.advance(59)
    held = storm.escalate("sms:late01")
    storm.clock.advance(2)  # the first twenty are now more than 60 s old
    assert storm.page_statuses(held) == {PRIMARY_PHONE: "held"}
    paged = storm.escalate("sms:late02")
    storm.deliver()
    assert storm.page_statuses(paged) == {PRIMARY_PHONE: "sent"}
    assert storm.page_statuses(held) == {PRIMARY_PHONE: "sent"}  # the storm passed: let out, not lost


def test_a_held_escalation_that_turns_imminent_is_paged_at_once(storm):
    storm.burst(20)
    held = storm.escalate("sms:rising")
    assert storm.page_statuses(held) == {PRIMARY_PHONE: "held"}
    assert storm.escalate("sms:rising", level="high") == held  # more of the same: still held
    storm.burst(5)
    assert storm.escalate("sms:rising", level="imminent") == held
    storm.deliver()
    assert held in storm.paged_ids(PRIMARY_PHONE)


def test_acknowledging_a_held_escalation_cancels_its_pages_but_not_the_storm_alert(storm):
    ids = storm.burst(21)
    with storm.sessions() as session:
        acknowledge(session, str(ids[20]), by="Dana Supervisor", now=storm.clock())  # the local CLI's way
        session.commit()
    storm.deliver()
    assert storm.page_statuses(ids[20]) == {PRIMARY_PHONE: "cancelled"}
    assert len(storm.storm_alerts()) == 1


def test_escalations_opened_at_the_same_moment_page_at_most_the_limit(db_url, tmp_path):
    """Twelve processes escalating at once must not all count themselves under a limit of five."""
    storm = Storm(db_url, tmp_path, limit=5)
    ids: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def open_one(n: int) -> None:
        try:
            escalation_id = storm.escalate(f"sms:{n:08x}")
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
            return
        with lock:
            ids.append(escalation_id)

    threads = [threading.Thread(target=open_one, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(ids) == 12
    storm.deliver()
    assert len(storm.paged_ids(PRIMARY_PHONE)) == 5
    assert len(storm.storm_alerts()) == 1
    assert sum(storm.page_statuses(i) == {PRIMARY_PHONE: "held"} for i in ids) == 7


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("HARBOR_PAGE_STORM_PER_MINUTE", raising=False)
    assert HotlineConfig.from_env().page_storm_per_minute == 20
    monkeypatch.setenv("HARBOR_PAGE_STORM_PER_MINUTE", "5")
    assert HotlineConfig.from_env().page_storm_per_minute == 5
    for bad in ("lots", "0", "-3", "2.5"):
        monkeypatch.setenv("HARBOR_PAGE_STORM_PER_MINUTE", bad)
        with pytest.raises(BadSetting, match="HARBOR_PAGE_STORM_PER_MINUTE"):
            HotlineConfig.from_env()
