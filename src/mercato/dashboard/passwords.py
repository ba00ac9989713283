"""Passwords: argon2id (argon2-cffi's defaults, RFC 9106's second recommendation), and
the ones Mercato makes up for new users.

``verify`` spends the same work on an unknown user as on a known one (``DUMMY``), so the
time a refusal takes does not tell whether the e-mail belongs to anyone.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
DUMMY = _hasher.hash(secrets.token_urlsafe(16))
GENERATED_LENGTH = 16  # bytes of randomness: 22 characters


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def generate() -> str:
    return secrets.token_urlsafe(GENERATED_LENGTH)
