"""Forgery protection for every dashboard form, as the hosted checkout does it
(``checkout.csrf``): an HMAC token in the form that another site cannot read.

Signed in, the token is bound to the session (``for_session``). The sign-in form has no
session yet: its token is bound to a random nonce in a SameSite=Lax cookie (double
submit), as on the payment page.
"""

from __future__ import annotations

import hashlib
import hmac

from mercato.checkout import csrf as checkout_csrf

COOKIE = "mercato_dashboard_csrf"
SIGN_IN = "dashboard-sign-in"
new_nonce = checkout_csrf.new_nonce


def secret_from(fingerprint_key: bytes) -> bytes:
    return hmac.new(fingerprint_key, b"mercato.dashboard.csrf.v1", hashlib.sha256).digest()


def for_session(secret: bytes, session_id: str) -> str:
    return checkout_csrf.token(secret, "dashboard-session", session_id)


def valid_for_session(secret: bytes, session_id: str, given: str) -> bool:
    return checkout_csrf.valid(secret, "dashboard-session", session_id, given)


def for_sign_in(secret: bytes, nonce: str) -> str:
    return checkout_csrf.token(secret, SIGN_IN, nonce)


def valid_for_sign_in(secret: bytes, nonce: str, given: str) -> bool:
    return checkout_csrf.valid(secret, SIGN_IN, nonce, given)
