"""Staff accounts, log-in with lock-out, and sessions that expire.

Passwords are hashed with Argon2id (argon2-cffi's defaults). A session is a random token in an
HttpOnly cookie; the database keeps only its SHA-256, the account and a CSRF token for the forms.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kari.knowledge.models import Staff, StaffSession

ROLES = ("editor", "trainer", "admin")  # each role may do everything the ones before it may
MAX_FAILURES = 5  # failed log-ins in a row before the account is locked
LOCK_MINUTES = 15
IDLE_MINUTES = 30  # a session ends after this long without a request …
MAX_HOURS = 8  # … and after this long in any case
MIN_PASSWORD = 10
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")

_hasher = PasswordHasher()
# Verified against when the name is unknown, so a log-in takes as long whether or not the name exists.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A problem the person can fix; the message (Norwegian) says what."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def allows(role: str, needed: str) -> bool:
    """Does `role` include what `needed` may do?"""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def check_name(name: str) -> str:
    name = (name or "").strip().lower()
    if not name or len(name) > 100 or not set(name) <= NAME_CHARS:
        raise AccountError("Brukarnamnet kan ha små bokstavar a–z, tal, punktum, bindestrek og understrek.")
    return name


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"Passordet må ha minst {MIN_PASSWORD} teikn.")


def add_staff(session: Session, name: str, role: str, password: str) -> Staff:
    name = check_name(name)
    if role not in ROLES:
        raise AccountError(f"Ukjend rolle «{role}»; vel éi av {', '.join(ROLES)}.")
    check_password(password)
    if session.execute(select(Staff.id).where(Staff.name == name)).first():
        raise AccountError(f"Det finst alt ein brukar som heiter «{name}».")
    staff = Staff(name=name, role=role, password_hash=_hasher.hash(password), failed_logins=0, created=now())
    session.add(staff)
    session.flush()
    return staff


def set_password(session: Session, name: str, password: str) -> None:
    check_password(password)
    staff = _get(session, name)
    staff.password_hash = _hasher.hash(password)
    staff.failed_logins, staff.locked_until = 0, None
    session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))


def unlock(session: Session, name: str) -> None:
    staff = _get(session, name)
    staff.failed_logins, staff.locked_until = 0, None


def remove(session: Session, name: str) -> None:
    session.delete(_get(session, name))


def _get(session: Session, name: str) -> Staff:
    staff = session.execute(select(Staff).where(Staff.name == (name or "").strip().lower())).scalar_one_or_none()
    if staff is None:
        raise AccountError(f"Det finst ingen brukar som heiter «{name}».")
    return staff


def list_staff(session: Session) -> list[Staff]:
    return list(session.execute(select(Staff).order_by(Staff.name)).scalars())


LOCKED = f"Kontoen er låst etter for mange feil forsøk. Prøv igjen om {LOCK_MINUTES} minutt."
WRONG = "Feil brukarnamn eller passord."


def authenticate(session: Session, name: str, password: str) -> tuple[Staff | None, str]:
    """(the account, "") when name and password match, else (None, a message safe to show). A failure
    is counted in `session`, so the caller must commit it (no exception rolls it back)."""
    staff = session.execute(select(Staff).where(Staff.name == (name or "").strip().lower())).scalar_one_or_none()
    if staff is None:
        _verify(_DUMMY_HASH, password)
        return None, WRONG
    if staff.locked_until and staff.locked_until > now():
        return None, LOCKED
    if not _verify(staff.password_hash, password):
        staff.failed_logins = (staff.failed_logins or 0) + 1
        if staff.failed_logins >= MAX_FAILURES:
            staff.locked_until = now() + dt.timedelta(minutes=LOCK_MINUTES)
            staff.failed_logins = 0
            return None, LOCKED
        return None, WRONG
    staff.failed_logins, staff.locked_until = 0, None
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
    return staff, ""


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password or "")
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Login:
    """A logged-in request: who, their role and the form token."""

    name: str
    role: str
    csrf: str


def start_session(session: Session, staff: Staff) -> str:
    """A new session for `staff`; returns the cookie's token (stored only as a hash)."""
    token = secrets.token_urlsafe(32)
    moment = now()
    session.add(
        StaffSession(
            id=_digest(token),
            staff_id=staff.id,
            csrf=secrets.token_urlsafe(24),
            created=moment,
            expires=moment + dt.timedelta(minutes=IDLE_MINUTES),
        )
    )
    session.execute(delete(StaffSession).where(StaffSession.expires < moment))  # tidy up old ones
    return token


def resume(session: Session, token: str | None) -> Login | None:
    """The login behind a cookie's token, extending its idle time; None when absent or expired."""
    if not token or len(token) > 100:
        return None
    row = session.get(StaffSession, _digest(token))
    moment = now()
    if row is None:
        return None
    if row.expires < moment or row.created + dt.timedelta(hours=MAX_HOURS) < moment:
        session.delete(row)
        return None
    row.expires = moment + dt.timedelta(minutes=IDLE_MINUTES)
    return Login(row.staff.name, row.staff.role, row.csrf)


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(StaffSession).where(StaffSession.id == _digest(token)))
