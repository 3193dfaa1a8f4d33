from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from hotline.escalations import EscalationError, acknowledge, open_or_update
from hotline.models import Escalation, Page
from tests.hotline.support import (
    BACKUP_PHONE,
    PRIMARY_PHONE,
    SUPERVISOR_PHONE,
    YOUTH_NUMBER,
    config,
    database,
    database_url_for,
)

NOW = datetime(2026, 11, 25, 12, 0)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str | None:
    """Every test here runs on the embedded SQLite file and on the PostgreSQL server."""
    return database_url_for(request.param)


def test_opening_writes_one_escalation_and_one_page_to_the_primary(tmp_path, db_url):
    sessions = database(tmp_path, now=NOW, url=db_url)
    with sessions() as session:
        opened = open_or_update(session, YOUTH_NUMBER, "sms", "imminent", ["imminent_danger"], config(), NOW)
        session.commit()
        assert opened.created and opened.paged == ["primary"]
        pages = session.scalars(select(Page)).all()
        assert [p.to_number for p in pages] == [PRIMARY_PHONE]


def test_a_page_carries_no_message_text_and_no_youth_number(tmp_path, db_url):
    sessions = database(tmp_path, now=NOW, url=db_url)
    with sessions() as session:
        opened = open_or_update(session, YOUTH_NUMBER, "sms", "high", ["exploitation"], config(), NOW)
        page = session.scalars(select(Page)).one()
        escalation = session.get(Escalation, opened.escalation_id)
        assert YOUTH_NUMBER not in page.body and YOUTH_NUMBER[2:] not in page.body
        assert f"ESC-{escalation.id}" in page.body and "HIGH" in page.body
        assert f"http://console.test/escalations/{escalation.id}" in page.body
        assert f"ACK {escalation.ack_code}" in page.body


def test_one_open_escalation_per_conversation_and_later_risk_updates_it(tmp_path, db_url):
    sessions = database(tmp_path, now=NOW, url=db_url)
    with sessions() as session:
        first = open_or_update(session, "c1", "rest", "high", ["exploitation"], config(), NOW)
        again = open_or_update(session, "c1", "rest", "high", ["abuse"], config(), NOW)
        assert not again.created and again.escalation_id == first.escalation_id and again.paged == []
        raised = open_or_update(session, "c1", "rest", "imminent", ["imminent_danger"], config(), NOW)
        assert raised.level == "imminent" and raised.paged == ["primary"]
        escalation = session.get(Escalation, first.escalation_id)
        assert escalation.categories == "abuse,exploitation,imminent_danger"
        assert session.scalars(select(Escalation)).all() == [escalation]
        assert len(session.scalars(select(Page)).all()) == 2


def test_nobody_on_shift_pages_backup_and_supervisor_at_once(tmp_path, db_url):
    sessions = database(tmp_path, now=NOW, url=db_url)
    later = NOW + timedelta(hours=10)  # after every shift: only the supervisor is reachable
    with sessions() as session:
        opened = open_or_update(session, "c2", "rest", "high", ["self_harm"], config(), later)
        assert opened.paged == ["supervisor"]
        assert [p.to_number for p in session.scalars(select(Page))] == [SUPERVISOR_PHONE]


def test_concern_does_not_escalate(tmp_path, db_url):
    sessions = database(tmp_path, now=NOW, url=db_url)
    with sessions() as session, pytest.raises(EscalationError):
        open_or_update(session, "c3", "rest", "concern", ["self_harm"], config(), NOW)


def test_ack_by_code_cancels_pending_pages(tmp_path, db_url):
    sessions = database(tmp_path, now=NOW, url=db_url)
    with sessions() as session:
        opened = open_or_update(session, "c4", "rest", "high", ["abuse"], config(), NOW)
        code = session.get(Escalation, opened.escalation_id).ack_code
        escalation = acknowledge(session, f"  {code} ", by="Sam Primary", now=NOW)
        assert escalation.status == "acknowledged" and escalation.next_action_at is None
        assert {p.status for p in session.scalars(select(Page))} == {"cancelled"}
        with pytest.raises(EscalationError, match="no escalation"):
            acknowledge(session, "999999999", by="x", now=NOW)


def test_backup_phone_is_not_paged_first(tmp_path, db_url):
    sessions = database(tmp_path, now=NOW, url=db_url)
    with sessions() as session:
        open_or_update(session, "c5", "rest", "high", ["abuse"], config(), NOW)
        assert BACKUP_PHONE not in [p.to_number for p in session.scalars(select(Page))]
