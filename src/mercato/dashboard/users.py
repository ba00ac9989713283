"""The dashboard's users: each belongs to one merchant and signs in with an e-mail address
and a password."""

from __future__ import annotations

import datetime as dt
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


@dataclass(frozen=True)
class User:
    id: str
    merchant_id: str
    email: str


def normalised(email: str) -> str:
    return email.strip().lower()


def find(connection: Connection, email: str) -> tuple[User, str] | None:
    """The user with this e-mail and their password hash."""
    row = connection.execute(sa.select(users).where(users.c.email == normalised(email))).first()
    return None if row is None else (User(row.id, row.merchant_id, row.email), row.password_hash)


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
    email = normalised(email)
    if "@" not in email or len(email) > 320:
        raise ValueError("a user needs an e-mail address")
    if find(connection, email) is not None:
        raise UserExists(f"a user with the e-mail {email} exists already")
    password = password or passwords.generate()
    now = clock.now()
    user = User(new_id("dusr"), merchant_id, email)
    connection.execute(
        sa.insert(users).values(
            id=user.id,
            merchant_id=merchant_id,
            email=email,
            password_hash=passwords.hash_password(password),
            created_at=now,
            password_changed_at=now,
        )
    )
    return user, password


def set_password(connection: Connection, user_id: str, password: str, now: dt.datetime) -> None:
    connection.execute(
        sa.update(users)
        .where(users.c.id == user_id)
        .values(password_hash=passwords.hash_password(password), password_changed_at=now)
    )


def ensure_demo_user(engine: Engine, clock: Clock, merchant_id: str) -> tuple[str, str]:
    """The demo merchant's dashboard user, made on the first start; its password is made up
    anew on every start (so ``demo.json`` can show it). Returns (e-mail, password)."""
    password = passwords.generate()
    with writing(engine) as connection:
        found = find(connection, DEMO_EMAIL)
        if found is None:
            create(
                connection,
                merchant_id=merchant_id,
                email=DEMO_EMAIL,
                clock=clock,
                password=password,
            )
        else:
            set_password(connection, found[0].id, password, clock.now())
    return DEMO_EMAIL, password
