"""ACK by text is an attack surface: anyone who texts the Harbor number from a roster phone can try
codes. These tests make those attempts and check what the advocate's phone shows and whether the
escalation stays open. They run on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import secrets
import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from channels.advocate_sms import handle_if_advocate
from harbor.cli.main import main as harbor_main
from hotline.escalations import AckCodeError, open_or_update
from hotline.models import AckGuard, Escalation, Page
from hotline.pager import PagerWorker
from tests.hotline.support import (
    BACKUP_PHONE,
    BYSTANDER_PHONE,
    PRIMARY_PHONE,
    SUPERVISOR_PHONE,
    YOUTH_NUMBER,
    Clock,
    RecordingSender,
    config,
    database,
)

NOW = datetime(2026, 11, 25, 12, 0)
ROSTER_PHONES = (PRIMARY_PHONE, BACKUP_PHONE, SUPERVISOR_PHONE, BYSTANDER_PHONE)


@pytest.fixture
def db_url(hotline_db_url: str) -> str:
    return hotline_db_url


@pytest.fixture
def hotline(db_url, tmp_path):
    """A roster (primary and backup on shift, a supervisor, a bystander), and a clock."""
    clock = Clock(NOW)
    sessions = database(tmp_path, now=NOW, url=db_url)
    return Hotline(db_url, sessions, clock)


class Hotline:
    def __init__(self, url: str, sessions, clock: Clock) -> None:
        self.url, self.sessions, self.clock = url, sessions, clock

    def escalate(self, conversation: str, **overrides) -> tuple[int, str]:
        """Open an escalation; its id and the code as the primary's page shows it."""
        with self.sessions() as session:
            opened = open_or_update(session, conversation, "sms", "high", ["exploitation"], config(**overrides),
                                    self.clock())
            session.commit()
            body = session.scalars(select(Page.body).where(Page.escalation_id == opened.escalation_id)
                                   .order_by(Page.id)).first()
            code = session.get(Escalation, opened.escalation_id).ack_code
        if body is not None:
            assert f"ACK {code}" in body
        return opened.escalation_id, code

    def text(self, phone: str, body: str) -> str | None:
        """What the advocate's phone gets back for an SMS to the Harbor number."""
        return handle_if_advocate(phone, body, clock=self.clock, url=self.url)

    def status(self, escalation_id: int) -> str:
        with self.sessions() as session:
            return session.get(Escalation, escalation_id).status


def unused_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_paged_advocate_acks_with_the_code_from_the_page(hotline):
    escalation_id, code = hotline.escalate("sms:9f2c01")
    reply = hotline.text(PRIMARY_PHONE, f"ack #{code}")
    assert reply == f"Harbor: ESC-{escalation_id} is acknowledged by Sam Primary. Thank you."
    assert hotline.status(escalation_id) == "acknowledged"


@pytest.mark.parametrize("form", ["ACK {id}", "ACK ESC-{id}", "ack esc-{id}", "ACK #{id}", "ACK ESC{id}"])
def test_an_escalation_id_or_esc_number_does_not_ack_by_text(hotline, form):
    escalation_id, code = hotline.escalate("sms:9f2c02")
    for _ in range(6):  # more than the lockout bound: these are not guesses at a code and do not count
        reply = hotline.text(PRIMARY_PHONE, form.format(id=escalation_id))
        assert "6-digit code" in reply and "acknowledged" not in reply
    assert hotline.status(escalation_id) == "open"
    assert "is acknowledged by Sam Primary" in hotline.text(PRIMARY_PHONE, f"ACK {code}")


def test_a_roster_member_never_paged_cannot_ack_and_cannot_tell_whether_the_code_exists(hotline):
    escalation_id, code = hotline.escalate("sms:9f2c03")
    real = hotline.text(BYSTANDER_PHONE, f"ACK {code}")  # the real code, from someone never paged
    made_up = hotline.text(BACKUP_PHONE, f"ACK {unused_code(code)}")  # a code nobody has
    assert real == made_up
    assert "not accepted" in real and f"ESC-{escalation_id}" not in real
    assert hotline.status(escalation_id) == "open"
    # The real code counts as a wrong guess like any other: four more and the bystander is locked.
    for _ in range(3):
        hotline.text(BYSTANDER_PHONE, f"ACK {code}")
    assert "locked for 10 more minutes" in hotline.text(BYSTANDER_PHONE, f"ACK {code}")
    assert hotline.status(escalation_id) == "open"


def test_the_backup_can_ack_once_the_pager_has_paged_them(hotline):
    escalation_id, code = hotline.escalate("sms:9f2c04")
    assert "not accepted" in hotline.text(BACKUP_PHONE, f"ACK {code}")
    hotline.clock.advance(181)  # no ACK in 3 minutes: the pager pages the primary again and the backup
    PagerWorker(hotline.sessions, RecordingSender(), config(), hotline.clock).advance_timers()
    assert "is acknowledged by Alex Backup" in hotline.text(BACKUP_PHONE, f"ACK {code}")
    assert hotline.status(escalation_id) == "acknowledged"


def test_five_wrong_codes_lock_the_phone_for_ten_minutes_even_for_the_right_code(hotline):
    escalation_id, code = hotline.escalate("sms:9f2c05")
    wrong = unused_code(code)
    replies = [hotline.text(PRIMARY_PHONE, f"ACK {wrong}") for _ in range(5)]
    assert [re.search(r"(\d) more wrong tr", r).group(1) for r in replies[:4]] == ["4", "3", "2", "1"]
    assert "locked for 10 more minutes" in replies[4]
    assert "locked for 10 more minutes" in hotline.text(PRIMARY_PHONE, f"ACK {code}")
    assert hotline.status(escalation_id) == "open"
    hotline.clock.advance(9 * 60 + 1)
    assert "locked for 1 more minute " in hotline.text(PRIMARY_PHONE, f"ACK {code}")
    assert hotline.status(escalation_id) == "open"
    hotline.clock.advance(60)
    assert "is acknowledged by Sam Primary" in hotline.text(PRIMARY_PHONE, f"ACK {code}")


def test_a_right_code_resets_the_count(hotline):
    first, first_code = hotline.escalate("sms:9f2c06")
    second, second_code = hotline.escalate("sms:9f2c07")
    wrong = "000000" if "000000" not in (first_code, second_code) else "000001"
    for _ in range(4):
        hotline.text(PRIMARY_PHONE, f"ACK {wrong}")
    assert "is acknowledged" in hotline.text(PRIMARY_PHONE, f"ACK {first_code}")
    for _ in range(3):
        hotline.text(PRIMARY_PHONE, f"ACK {wrong}")
    assert "1 more wrong try" in hotline.text(PRIMARY_PHONE, f"ACK {wrong}")  # would be the 9th: not locked
    assert "is acknowledged" in hotline.text(PRIMARY_PHONE, f"ACK {second_code}")
    assert hotline.status(first) == hotline.status(second) == "acknowledged"


def test_the_lock_is_per_advocate_and_kept_without_phone_numbers(hotline, caplog):
    caplog.set_level("DEBUG")
    _, code = hotline.escalate("sms:9f2c08")
    for _ in range(5):
        hotline.text(PRIMARY_PHONE, f"ACK {unused_code(code)}")
    assert "4 more wrong tries" in hotline.text(BACKUP_PHONE, f"ACK {unused_code(code)}")
    with hotline.sessions() as session:
        guards = session.scalars(select(AckGuard)).all()
        stored = " ".join(f"{g.advocate_id} {g.failures} {g.locked_until} {g.updated_at}" for g in guards)
    assert len(guards) == 2 and not any(phone[-7:] in stored for phone in ROSTER_PHONES)
    for phone in ROSTER_PHONES:
        assert phone[-7:] not in caplog.text
    assert code not in caplog.text and unused_code(code) not in caplog.text


def test_wrong_codes_sent_at_once_are_all_counted(hotline):
    """Ten guesses fired in parallel must not all slip past the bound of five."""
    escalation_id, code = hotline.escalate("sms:9f2c09")
    guesses = [*[f"{n:06d}" for n in range(10) if f"{n:06d}" != code][:9], code]
    replies: list[str] = []
    lock = threading.Lock()

    def guess(value: str) -> None:
        reply = hotline.text(BYSTANDER_PHONE, f"ACK {value}")
        with lock:
            replies.append(reply)

    threads = [threading.Thread(target=guess, args=(value,)) for value in guesses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum("not accepted" in r for r in replies) == 4
    assert sum("from this phone is locked" in r for r in replies) == 6
    assert hotline.status(escalation_id) == "open"


def test_a_held_page_or_a_storm_alert_never_lets_anyone_ack_by_text(hotline):
    hotline.escalate("sms:9f2c10", page_storm_per_minute=1)
    held, code = hotline.escalate("sms:9f2c11", page_storm_per_minute=1)  # the 2nd in a minute: held
    with hotline.sessions() as session:
        statuses = {p.to_number: p.status for p in session.scalars(select(Page).where(Page.escalation_id == held))}
    assert statuses == {PRIMARY_PHONE: "held", SUPERVISOR_PHONE: "pending"}  # the supervisor's storm alert
    assert "not accepted" in hotline.text(PRIMARY_PHONE, f"ACK {code}")
    assert "not accepted" in hotline.text(SUPERVISOR_PHONE, f"ACK {code}")
    assert hotline.status(held) == "open"


def test_a_number_not_on_the_roster_is_left_to_the_bot(hotline):
    hotline.escalate("sms:9f2c12")
    assert hotline.text(YOUTH_NUMBER, "ACK 123456") is None


def test_the_local_cli_still_acks_by_id_esc_number_or_code(hotline, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", hotline.url)
    by_id, _ = hotline.escalate("sms:9f2c13")
    by_esc, _ = hotline.escalate("sms:9f2c14")
    by_code, code = hotline.escalate("sms:9f2c15")
    assert harbor_main(["escalations", "ack", str(by_id), "--by", "Dana Supervisor"]) == 0
    assert harbor_main(["escalations", "ack", f"ESC-{by_esc}", "--by", "Dana Supervisor"]) == 0
    assert harbor_main(["escalations", "ack", code, "--by", "Dana Supervisor"]) == 0
    out = capsys.readouterr().out
    for escalation_id in (by_id, by_esc, by_code):
        assert f"ESC-{escalation_id} acknowledged by Dana Supervisor" in out
        assert hotline.status(escalation_id) == "acknowledged"


def test_ack_codes_are_six_digits_from_secrets(hotline, monkeypatch):
    draws: list[int] = []
    real = secrets.randbelow

    def counted(n: int) -> int:
        draws.append(n)
        return real(n)

    monkeypatch.setattr(secrets, "randbelow", counted)
    codes = [hotline.escalate(f"sms:c{n}", page_storm_per_minute=100)[1] for n in range(30)]
    assert all(re.fullmatch(r"[0-9]{6}", c) for c in codes) and len(set(codes)) == 30
    assert draws and set(draws) == {1_000_000}


def test_code_generation_gives_up_after_twenty_taken_codes_with_a_clear_error(hotline, monkeypatch):
    draws: list[int] = []

    def always_the_same(n: int) -> int:
        draws.append(n)
        return 424242

    monkeypatch.setattr(secrets, "randbelow", always_the_same)
    hotline.escalate("sms:9f2c16")  # takes 424242
    draws.clear()
    with pytest.raises(AckCodeError, match="no free 6-digit ACK code after 20 tries"):
        hotline.escalate("sms:9f2c17")
    assert len(draws) == 20
    with hotline.sessions() as session:
        assert session.scalar(select(func.count(Escalation.id))) == 1
