"""Signing in and out: the password checked (and the attempt counted), a session opened."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from mercato.clock import Clock
from mercato.dashboard import passwords, sessions, throttle, users
from mercato.dashboard.errors import SignInRefused, Throttled
from mercato.database.engine import reading, writing


def sign_in(engine: Engine, clock: Clock, email: str, password: str) -> str:
    """A new session's cookie value for the user with this e-mail and password; raises
    ``Throttled`` or ``SignInRefused``."""
    email = users.normalised(email)[:320]
    with reading(engine) as connection:
        wait = throttle.wait_before_trying(connection, email, clock.now())
        found = users.find(connection, email)
    if wait > dt.timedelta(0):
        raise Throttled(wait)
    # Outside any transaction: argon2 takes a while, on purpose.
    matches = passwords.verify(found[1] if found else None, password)
    if found is None or not matches:
        with writing(engine) as connection:
            throttle.failed(connection, email, clock.now())
        raise SignInRefused("the e-mail and password do not match")
    user, password_hash = found
    with writing(engine) as connection:
        throttle.succeeded(connection, email)
        if passwords.needs_rehash(password_hash):
            users.set_password(connection, user.id, password, clock.now())
        return sessions.open_session(connection, user.id, clock.now())


def sign_out(engine: Engine, session_id: str) -> None:
    with writing(engine) as connection:
        sessions.close(connection, session_id)
