"""Accounts and roles: who may sign in to the dashboard, and what each may do.

- viewer: the risk committee. Reads everything and downloads reports; changes nothing.
- officer: runs audits (triage, links, reports, vendor edits).
- admin: what an officer does, and manages accounts.

Passwords are hashed with argon2id (argon2-cffi's defaults). A password is checked in the same
time whether or not the account exists. Every change to an account, and every sign-in, is
recorded as activity under the name of whoever did it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, col, select

from audit.errors import InputError, NotFoundError
from audit.inputs import address_problem, name_problem, one_line
from audit.services.database import reading, transaction
from audit.store.tables import ActivityRow, UserRow, utcnow
from audit.workspace import Workspace

MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # argon2 takes any length; this keeps a hostile post from costing memory


class Role(StrEnum):
    VIEWER = "viewer"
    OFFICER = "officer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return (Role.VIEWER, Role.OFFICER, Role.ADMIN).index(self)

    def may(self, needed: Role) -> bool:
        return self.rank >= needed.rank


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    name: str | None
    role: Role
    disabled: bool
    last_login_at: dt.datetime | None = None
    has_password: bool = True
    single_sign_on: bool = False

    @property
    def shown(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


def as_user(row: UserRow) -> User:
    return User(
        row.id or 0,
        row.email,
        row.name,
        Role(row.role),
        row.disabled,
        row.last_login_at,
        row.password_hash is not None,
        row.oidc_subject is not None,
    )


_hasher = PasswordHasher()
# Checked against when no account matches, so that a wrong e-mail costs what a wrong password
# costs: the time of a check never tells whether an account exists.
_DECOY = _hasher.hash("not a password anyone has: the decoy for unknown accounts")


def password_problem(password: str, email: str = "") -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"a password has at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"a password has at most {MAX_PASSWORD} characters"
    if email and password.lower() == email.lower():
        return "a password cannot be the e-mail address"
    return None


def record(
    session: Session,
    actor: str,
    action: str,
    subject: str | None = None,
    detail: str | None = None,
    address: str | None = None,
) -> None:
    """Activity under `actor`'s name, in the caller's transaction."""
    session.add(
        ActivityRow(
            actor=one_line(actor)[:254],
            action=action,
            subject=None if subject is None else one_line(subject)[:200],
            detail=None if detail is None else detail[:2000],
            address=address,
        )
    )


def _email(value: str) -> str:
    email = value.strip().lower()
    if (problem := address_problem(email)) is not None:
        raise InputError(f"'{value}': {problem}")
    return email


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise InputError(f"unknown role '{value}' (one of: {known})") from None


def add_user(
    workspace: Workspace,
    email: str,
    role: str,
    *,
    password: str | None,
    name: str | None = None,
    by: str,
) -> User:
    """A new account; without a password it can sign in only through single sign-on."""
    address = _email(email)
    chosen = _role(role)
    if name is not None and (problem := name_problem(name)) is not None:
        raise InputError(f"--name: {problem}")
    if password is not None and (problem := password_problem(password, address)) is not None:
        raise InputError(problem)
    with transaction(workspace) as session:
        if session.exec(select(UserRow).where(UserRow.email == address)).first() is not None:
            raise InputError(
                f"{address} already has an account; nothing was changed",
                hint="`audit users list` shows the accounts",
            )
        row = UserRow(
            email=address,
            name=name,
            role=chosen.value,
            password_hash=None if password is None else _hasher.hash(password),
        )
        session.add(row)
        record(session, by, "user added", address, f"role {chosen}")
        session.flush()
        return as_user(row)


def list_users(workspace: Workspace) -> list[User]:
    with reading(workspace) as session:
        rows = session.exec(select(UserRow).order_by(col(UserRow.email))).all()
    return [as_user(r) for r in rows]


def _load(session: Session, email: str) -> UserRow:
    address = email.strip().lower()
    row = session.exec(select(UserRow).where(UserRow.email == address)).first()
    if row is None:
        raise NotFoundError(f"no account '{email}'", hint="`audit users list` shows the accounts")
    return row


def _enabled_admins(session: Session) -> int:
    rows = session.exec(
        select(UserRow).where(UserRow.role == Role.ADMIN.value, UserRow.disabled == False)  # noqa: E712
    ).all()
    return len(rows)


def set_disabled(workspace: Workspace, email: str, disabled: bool, *, by: str) -> User:
    """Disable an account (its sessions end at their next request) or enable it again. The
    last enabled admin cannot be disabled: nobody could manage accounts any more."""
    with transaction(workspace) as session:
        row = _load(session, email)
        if row.disabled == disabled:
            state = "disabled" if disabled else "enabled"
            raise InputError(f"{row.email} is already {state}; nothing was changed")
        if disabled and row.role == Role.ADMIN.value and _enabled_admins(session) <= 1:
            raise InputError(
                f"{row.email} is the last enabled admin; nothing was changed",
                hint="make another account admin first",
            )
        row.disabled, row.updated_at = disabled, utcnow()
        session.add(row)
        record(session, by, "user disabled" if disabled else "user enabled", row.email)
        return as_user(row)


def set_role(workspace: Workspace, email: str, role: str, *, by: str) -> User:
    chosen = _role(role)
    with transaction(workspace) as session:
        row = _load(session, email)
        if row.role == chosen.value:
            raise InputError(f"{row.email} is already {chosen}; nothing was changed")
        if row.role == Role.ADMIN.value and not row.disabled and _enabled_admins(session) <= 1:
            raise InputError(
                f"{row.email} is the last enabled admin; nothing was changed",
                hint="make another account admin first",
            )
        before = row.role
        row.role, row.updated_at = chosen.value, utcnow()
        session.add(row)
        record(session, by, "role changed", row.email, f"{before} -> {chosen}")
        return as_user(row)


def set_password(workspace: Workspace, email: str, password: str, *, by: str) -> User:
    with transaction(workspace) as session:
        row = _load(session, email)
        if (problem := password_problem(password, row.email)) is not None:
            raise InputError(problem)
        row.password_hash, row.updated_at = _hasher.hash(password), utcnow()
        session.add(row)
        record(session, by, "password set", row.email)
        return as_user(row)


def authenticate(
    workspace: Workspace, email: str, password: str, address: str | None = None
) -> User | None:
    """The enabled account these credentials open, or None; both outcomes are recorded."""
    given = email.strip().lower()[:254]
    with transaction(workspace) as session:
        row = session.exec(select(UserRow).where(UserRow.email == given)).first()
        stored = row.password_hash if row is not None else None
        try:
            _hasher.verify(stored or _DECOY, password[:MAX_PASSWORD])
            matched = stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            matched = False
        if row is None or not matched or row.disabled:
            record(session, given or "(no e-mail)", "sign-in refused", address=address)
            return None
        if stored is not None and _hasher.check_needs_rehash(stored):
            row.password_hash = _hasher.hash(password)
        row.last_login_at = utcnow()
        session.add(row)
        record(session, row.email, "signed in", address=address)
        return as_user(row)


def signed_out(workspace: Workspace, email: str, address: str | None = None) -> None:
    with transaction(workspace) as session:
        record(session, email, "signed out", address=address)


def user_by_id(workspace: Workspace, user_id: int) -> User | None:
    """The account a session belongs to, while it is enabled."""
    with reading(workspace) as session:
        row = session.get(UserRow, user_id)
    return None if row is None or row.disabled else as_user(row)


def recent_activity(workspace: Workspace, limit: int = 100) -> Sequence[ActivityRow]:
    with reading(workspace) as session:
        query = select(ActivityRow).order_by(col(ActivityRow.id).desc()).limit(limit)
        return session.exec(query).all()
