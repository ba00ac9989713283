"""The dashboard's users: each signs in with an e-mail address and a password, and is
either one merchant's (``MERCHANT``) or the platform's operator (``OPERATOR``, no merchant:
the settlement pages, ADR 0022)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato.clock import Clock
from mercato.dashboard import passwords
from mercato.dashboard.errors import UnknownMerchant, UserExists
from mercato.dashboard.tables import users
from mercato.database.engine import writing
from mercato.gateway.ids import new_id
from mercato.gateway.merchants import get_merchant

DEMO_EMAIL = "owner@demo.mercato.localhost"
DEMO_OPERATOR_EMAIL = "operator@demo.mercato.localhost"
MERCHANT, OPERATOR = "merchant", "operator"
MIN_PASSWORD = 12  # characters, for a password a person chose


@dataclass(frozen=True)
class User:
    id: str
    merchant_id: str | None  # None: an operator
    email: str
    role: str = MERCHANT


def normalised(email: str) -> str:
    return email.strip().lower()


def find(connection: Connection, email: str) -> tuple[User, str] | None:
    """The user with this e-mail and their password hash."""
    row = connection.execute(sa.select(users).where(users.c.email == normalised(email))).first()
    if row is None:
        return None
    return User(row.id, row.merchant_id, row.email, row.role), row.password_hash


def create(
    connection: Connection,
    *,
    merchant_id: str,
    email: str,
    clock: Clock,
    password: str | None = None,
) -> tuple[User, str]:
    """A new user of ``merchant_id``; returns them and their password (made up if not
    given: shown once, kept only as its hash)."""
    if get_merchant(connection, merchant_id) is None:
        raise UnknownMerchant(f"no merchant {merchant_id}")
    password = password or passwords.generate()
    return _insert(connection, User(new_id("dusr"), merchant_id, email), password, clock), password


def create_operator(connection: Connection, *, email: str, password: str, clock: Clock) -> User:
    """A new operator: platform staff, of no merchant, who sees the settlement pages."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"an operator's password needs {MIN_PASSWORD} characters at least")
    return _insert(connection, User(new_id("dusr"), None, email, OPERATOR), password, clock)


def _insert(connection: Connection, user: User, password: str, clock: Clock) -> User:
    email = normalised(user.email)
    if "@" not in email or len(email) > 320:
        raise ValueError("a user needs an e-mail address")
    if find(connection, email) is not None:
        raise UserExists(f"a user with the e-mail {email} exists already")
    now = clock.now()
    connection.execute(
        sa.insert(users).values(
            id=user.id,
            merchant_id=user.merchant_id,
            email=email,
            role=user.role,
            password_hash=passwords.hash_password(password),
            created_at=now,
            password_changed_at=now,
        )
    )
    return User(user.id, user.merchant_id, email, user.role)


def set_password(connection: Connection, user_id: str, password: str, now: dt.datetime) -> None:
    connection.execute(
        sa.update(users)
        .where(users.c.id == user_id)
        .values(password_hash=passwords.hash_password(password), password_changed_at=now)
    )


def ensure_demo_user(engine: Engine, clock: Clock, merchant_id: str) -> tuple[str, str]:
    """The demo merchant's dashboard user, made on the first start; its password is made up
    anew on every start (so ``demo.json`` can show it). Returns (e-mail, password)."""
    return _ensure_demo(
        engine,
        clock,
        DEMO_EMAIL,
        lambda connection, password: create(
            connection, merchant_id=merchant_id, email=DEMO_EMAIL, clock=clock, password=password
        ),
    )


def ensure_demo_operator(engine: Engine, clock: Clock) -> tuple[str, str]:
    """The demo's operator, made on the first start, with a new password at every start.
    Returns (e-mail, password)."""
    return _ensure_demo(
        engine,
        clock,
        DEMO_OPERATOR_EMAIL,
        lambda connection, password: create_operator(
            connection, email=DEMO_OPERATOR_EMAIL, password=password, clock=clock
        ),
    )


def _ensure_demo(
    engine: Engine, clock: Clock, email: str, make: Callable[[Connection, str], object]
) -> tuple[str, str]:
    password = passwords.generate()
    with writing(engine) as connection:
        found = find(connection, email)
        if found is None:
            make(connection, password)
        else:
            set_password(connection, found[0].id, password, clock.now())
    return email, password
