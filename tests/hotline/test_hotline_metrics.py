"""What the hotline counts: escalations opened (only once written), the time from an escalation to its
first page and to its ACK, and pages that failed for good."""

from __future__ import annotations

from datetime import datetime

from harbor.core.twilio_gateway import PermanentSendError
from hotline.escalations import acknowledge, open_or_update
from hotline.pager import PagerWorker
from tests.hotline.support import Clock, RecordingSender, config, database
from tests.scraping import local_sample

NOW = datetime(2026, 11, 25, 12, 0)


class RefusingSender(RecordingSender):
    async def send_sms(self, to: str, body: str) -> str:
        raise PermanentSendError("21211: not a valid phone number")


def test_an_escalation_is_counted_by_level_once_written_and_not_when_rolled_back(tmp_path):
    sessions = database(tmp_path, now=NOW)
    before = local_sample("harbor_escalations_opened_total", level="high")
    with sessions() as session:
        open_or_update(session, "sms:rolled-back", "sms", "high", ["exploitation"], config(), NOW)
        session.rollback()  # e.g. the process failed before the commit: nothing was opened
    assert local_sample("harbor_escalations_opened_total", level="high") == before
    with sessions() as session:
        open_or_update(session, "sms:written", "sms", "high", ["exploitation"], config(), NOW)
        open_or_update(session, "sms:written", "sms", "high", ["abuse"], config(), NOW)  # an update, not a new one
        session.commit()
    assert local_sample("harbor_escalations_opened_total", level="high") == before + 1


async def test_a_sent_page_records_its_latency_and_an_ack_its_time_to_ack(tmp_path):
    clock = Clock(NOW)
    sessions = database(tmp_path, now=NOW)
    with sessions() as session:
        opened = open_or_update(session, "sms:paged", "sms", "imminent", ["imminent_danger"], config(), NOW)
        session.commit()
    pages = local_sample("harbor_page_latency_seconds_count", kind="first")
    within_5s = local_sample("harbor_page_latency_seconds_bucket", kind="first", le="5.0")
    acks = local_sample("harbor_time_to_ack_seconds_count", level="imminent")
    waited = local_sample("harbor_time_to_ack_seconds_sum", level="imminent")
    clock.advance(3)
    await PagerWorker(sessions, RecordingSender(), config(), clock=clock).run_once()
    assert local_sample("harbor_page_latency_seconds_count", kind="first") == pages + 1
    assert local_sample("harbor_page_latency_seconds_bucket", kind="first", le="5.0") == within_5s + 1
    with sessions() as session:
        acknowledge(session, str(opened.escalation_id), "Sam Primary", NOW.replace(minute=2))
        session.commit()
    assert local_sample("harbor_time_to_ack_seconds_count", level="imminent") == acks + 1
    assert local_sample("harbor_time_to_ack_seconds_sum", level="imminent") == waited + 120


async def test_a_page_the_provider_refuses_counts_as_a_delivery_failure(tmp_path):
    clock = Clock(NOW)
    sessions = database(tmp_path, now=NOW)
    with sessions() as session:
        open_or_update(session, "sms:refused", "sms", "high", ["exploitation"], config(), NOW)
        session.commit()
    failures = local_sample("harbor_delivery_failures_total", kind="page")
    worker = PagerWorker(sessions, RefusingSender(), config(), clock=clock)
    await worker.run_once()
    assert worker.failed == 1
    assert local_sample("harbor_delivery_failures_total", kind="page") == failures + 1
