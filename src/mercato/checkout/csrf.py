"""Forgery protection for the hosted payment form: the form carries a token bound to the
Checkout Session and to a random nonce in a SameSite=Lax cookie (double submit), so a page
on another site cannot submit a card to a session on the customer's behalf.

The token's key is derived from the vault's fingerprint key, which comes from the
settings or the key file: no secret is written in the code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

COOKIE = "mercato_checkout_csrf"
COOKIE_PATH = "/pay/"


def secret_from(fingerprint_key: bytes) -> bytes:
    return hmac.new(fingerprint_key, b"mercato.checkout.csrf.v1", hashlib.sha256).digest()


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def token(secret: bytes, session_id: str, nonce: str) -> str:
    return hmac.new(secret, f"{session_id}:{nonce}".encode(), hashlib.sha256).hexdigest()


def valid(secret: bytes, session_id: str, nonce: str, given: str) -> bool:
    return bool(nonce) and hmac.compare_digest(
        token(secret, session_id, nonce).encode(), given.encode()
    )
