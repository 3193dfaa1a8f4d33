"""Console accounts: argon2 hashes, TOTP for supervisors and admins, nothing said about which part failed."""

from __future__ import annotations

import pyotp
import pytest

from harbor.core.db import session_scope
from hotline.console import accounts

PASSWORD = "correct horse battery"


def test_an_admin_always_gets_a_second_factor_and_needs_it(db_url):
    with session_scope() as session:
        user, factor = accounts.add_user(session, "Dana", "admin", PASSWORD)
        assert factor is not None and factor.uri.startswith("otpauth://totp/")
        assert user.username == "dana" and user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash and factor.secret not in (user.totp_secret or "")
        code = pyotp.TOTP(factor.secret).now()
        assert accounts.authenticate(session, "dana", PASSWORD, None) is None
        assert accounts.authenticate(session, "dana", PASSWORD, "000000" if code != "000000" else "111111") is None
        assert accounts.authenticate(session, "DANA ", PASSWORD, code).username == "dana"


def test_an_advocate_signs_in_with_a_password_alone_unless_they_chose_totp(db_url):
    with session_scope() as session:
        accounts.add_user(session, "sam", "advocate", PASSWORD)
        _, factor = accounts.add_user(session, "riley", "advocate", PASSWORD, second_factor=True)
        assert accounts.authenticate(session, "sam", PASSWORD, "").username == "sam"
        assert accounts.authenticate(session, "riley", PASSWORD, "") is None
        assert accounts.authenticate(session, "riley", PASSWORD, pyotp.TOTP(factor.secret).now()).username == "riley"


def test_wrong_password_unknown_name_and_disabled_account_all_fail_alike(db_url):
    with session_scope() as session:
        accounts.add_user(session, "sam", "advocate", PASSWORD)
        assert accounts.authenticate(session, "sam", "wrong password!!", "") is None
        assert accounts.authenticate(session, "nobody", PASSWORD, "") is None
        accounts.disable(session, "sam")
        assert accounts.authenticate(session, "sam", PASSWORD, "") is None


@pytest.mark.parametrize(("name", "role", "password", "reason"), [
    ("sam", "advocate", "short", "12 characters"),
    ("sam smith", "advocate", PASSWORD, "letters, digits"),
    ("sam", "boss", PASSWORD, "role must be"),
])
def test_bad_accounts_are_refused_with_the_reason(db_url, name, role, password, reason):
    with session_scope() as session, pytest.raises(accounts.AccountError, match=reason):
        accounts.add_user(session, name, role, password)


def test_a_new_password_replaces_the_old_one(db_url):
    with session_scope() as session:
        accounts.add_user(session, "sam", "advocate", PASSWORD)
        accounts.set_password(session, "sam", "another long passphrase")
        assert accounts.authenticate(session, "sam", PASSWORD, "") is None
        assert accounts.authenticate(session, "sam", "another long passphrase", "") is not None
