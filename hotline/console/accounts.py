"""Console accounts: roles, argon2 password hashes (argon2-cffi), and TOTP second factors (pyotp).

Supervisors and admins must have a second factor; advocates may. The TOTP secret is stored
encrypted (Fernet, key derived from the id secret), so a copy of the database alone cannot mint codes.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet
from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Session

from harbor.core.db import Base
from harbor.core.secret_store import fernet_key

ADVOCATE, SUPERVISOR, ADMIN = "advocate", "supervisor", "admin"
ROLES = (ADVOCATE, SUPERVISOR, ADMIN)
RANK = {ADVOCATE: 1, SUPERVISOR: 2, ADMIN: 3}
SECOND_FACTOR_REQUIRED = frozenset({SUPERVISOR, ADMIN})
MIN_PASSWORD_CHARS = 12
ISSUER = "Harbor hotline console"

_HASHER = PasswordHasher()
# Verified when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a real password, only here to spend the same time")


class ConsoleUser(Base):
    __tablename__ = "harbor_console_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False, unique=True)
    role = Column(String(20), nullable=False)
    password_hash = Column(Text, nullable=False)
    totp_secret = Column(Text, nullable=True)  # Fernet token of the base32 secret
    totp_last_step = Column(Integer, nullable=True)  # the last code's time step: no code works twice
    disabled = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    password_changed_at = Column(DateTime, nullable=False, default=datetime.utcnow)


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why, for the person asking."""


@dataclass(frozen=True)
class SecondFactor:
    """What a new user scans once: the otpauth:// URI (also shown as a QR code by the CLI)."""

    uri: str
    secret: str


def _fernet() -> Fernet:
    return Fernet(fernet_key("console-totp"))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")


def _user(session: Session, username: str) -> ConsoleUser:
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.username == username.strip().lower()))
    if user is None:
        raise AccountError(f"no console user named {username!r}")
    return user


def add_user(session: Session, username: str, role: str, password: str,
             second_factor: bool = False) -> tuple[ConsoleUser, SecondFactor | None]:
    name = username.strip().lower()
    if not name or len(name) > 80 or not all(c.isalnum() or c in "._-" for c in name):
        raise AccountError("a username is 1-80 letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if session.scalar(select(ConsoleUser.id).where(ConsoleUser.username == name)) is not None:
        raise AccountError(f"a console user named {name!r} exists already")
    _check_password(password)
    user = ConsoleUser(username=name, role=role, password_hash=_HASHER.hash(password))
    factor = None
    if second_factor or role in SECOND_FACTOR_REQUIRED:
        secret = pyotp.random_base32()
        user.totp_secret = _fernet().encrypt(secret.encode()).decode()
        factor = SecondFactor(pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=ISSUER), secret)
    session.add(user)
    session.flush()
    return user, factor


def set_password(session: Session, username: str, password: str) -> ConsoleUser:
    _check_password(password)
    user = _user(session, username)
    user.password_hash = _HASHER.hash(password)
    user.password_changed_at = datetime.utcnow()
    return user


def disable(session: Session, username: str) -> ConsoleUser:
    user = _user(session, username)
    user.disabled = True
    return user


def exists(session: Session, username: str) -> bool:
    return session.scalar(select(ConsoleUser.id).where(ConsoleUser.username == username)) is not None


def list_users(session: Session) -> list[ConsoleUser]:
    return list(session.scalars(select(ConsoleUser).order_by(ConsoleUser.username)))


def current_code(user: ConsoleUser) -> str | None:
    """The TOTP code of this moment (for tests and the first sign-in check); None without a factor."""
    if not user.totp_secret:
        return None
    return pyotp.TOTP(_fernet().decrypt(user.totp_secret.encode()).decode()).now()


def _matching_step(totp: pyotp.TOTP, code: str | None) -> int | None:
    """The 30-second step whose code this is (this one or a neighbour, for clock drift); None if none."""
    code = (code or "").strip()
    if not code:
        return None
    now = datetime.now(timezone.utc)
    for offset in (0, -1, 1):
        moment = now + timedelta(seconds=offset * totp.interval)
        # As bytes: compare_digest refuses str with non-ASCII characters (a 500 on a typed "é").
        if hmac.compare_digest(totp.at(moment).encode(), code.encode()):
            return totp.timecode(moment)
    return None


def authenticate(session: Session, username: str, password: str, code: str | None) -> ConsoleUser | None:
    """The user, when the name, password and (where set) the current TOTP code are right and the
    account is enabled; None otherwise, without saying which part was wrong."""
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.username == (username or "").strip().lower()))
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled:
        return None
    if user.totp_secret:
        step = _matching_step(pyotp.TOTP(_fernet().decrypt(user.totp_secret.encode()).decode()), code)
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            return None  # wrong, or already used: a code seen over a shoulder cannot be replayed
        user.totp_last_step = step
    elif user.role in SECOND_FACTOR_REQUIRED:
        return None  # an account from before the rule: an admin must give it a second factor
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user
