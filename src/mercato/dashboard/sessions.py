"""Server-side sessions: the cookie carries a random id (256 bits); the table keeps its
SHA-256, the user, and when the session ends (``LIFETIME`` after signing in, whatever
happens in between). Signing out deletes the row.

``find`` finds only merchants' sessions: every merchant page asks it, so an operator's
session is no one's there. The operator's pages ask ``find_operator`` (ADR 0022)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.dashboard.tables import sessions, users
from mercato.dashboard.users import MERCHANT, OPERATOR
from mercato.gateway.tables import merchants

LIFETIME = dt.timedelta(hours=8)
OPERATOR_TITLE = "Mercato operations"


@dataclass(frozen=True)
class SignedIn:
    """Who a request's session belongs to."""

    session_id: str  # the cookie's value
    user_id: str
    email: str
    merchant_id: str  # "" for an operator
    merchant_name: str
    expires_at: dt.datetime
    role: str = MERCHANT

    @property
    def is_operator(self) -> bool:
        return self.role == OPERATOR


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(connection: Connection, user_id: str, now: dt.datetime) -> str:
    """A new session for ``user_id``; returns the cookie's value."""
    session_id = secrets.token_urlsafe(32)
    connection.execute(
        sa.insert(sessions).values(
            id_hash=_hash(session_id), user_id=user_id, created_at=now, expires_at=now + LIFETIME
        )
    )
    # Sessions long over are of no use to anyone: forget the user's as they sign in again.
    connection.execute(
        sa.delete(sessions).where(sessions.c.user_id == user_id, sessions.c.expires_at <= now)
    )
    return session_id


def find(connection: Connection, session_id: str, now: dt.datetime) -> SignedIn | None:
    """The merchant's user's session the cookie names, if it has not ended."""
    return _find(connection, session_id, now, MERCHANT)


def find_operator(connection: Connection, session_id: str, now: dt.datetime) -> SignedIn | None:
    """The operator's session the cookie names, if it has not ended."""
    return _find(connection, session_id, now, OPERATOR)


def _find(connection: Connection, session_id: str, now: dt.datetime, role: str) -> SignedIn | None:
    if not session_id or len(session_id) > 100:
        return None
    row = connection.execute(
        sa.select(
            sessions.c.user_id,
            sessions.c.expires_at,
            users.c.email,
            users.c.merchant_id,
            merchants.c.name,
        )
        .join(users, users.c.id == sessions.c.user_id)
        .outerjoin(merchants, merchants.c.id == users.c.merchant_id)
        .where(
            sessions.c.id_hash == _hash(session_id),
            sessions.c.expires_at > now,
            users.c.role == role,
        )
    ).first()
    if row is None:
        return None
    if role == OPERATOR:
        return SignedIn(
            session_id, row.user_id, row.email, "", OPERATOR_TITLE, row.expires_at, OPERATOR
        )
    return SignedIn(session_id, row.user_id, row.email, row.merchant_id, row.name, row.expires_at)


def close(connection: Connection, session_id: str) -> None:
    connection.execute(sa.delete(sessions).where(sessions.c.id_hash == _hash(session_id)))
