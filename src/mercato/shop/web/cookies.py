"""The browser's side of a cart, and forgery protection for the shop's forms.

The cart cookie holds only the cart's id, signed with itsdangerous: a cookie someone
edited fails its signature, and the customer gets a fresh, empty cart and a message, never
an error page. The cart itself is in the database.

Every form carries a CSRF token bound to a random nonce in a SameSite=Lax cookie, as the
hosted payment page's do (``mercato.checkout.csrf``, whose functions are reused with a key
of the shop's own).

Both keys are derived from the vault's fingerprint key, which comes from the settings or
the key file: no secret is written in the code.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from itsdangerous import BadSignature, URLSafeSerializer

from mercato.checkout import csrf

CART_COOKIE = "mercato_cart"
CSRF_COOKIE = "mercato_shop_csrf"
CART_LIFETIME = 60 * 60 * 24 * 30  # seconds: a cart is kept a month across visits


def _derive(fingerprint_key: bytes, label: bytes) -> bytes:
    return hmac.new(fingerprint_key, label, hashlib.sha256).digest()


class Keys:
    def __init__(self, fingerprint_key: bytes) -> None:
        self._carts = URLSafeSerializer(
            _derive(fingerprint_key, b"mercato.shop.cart.v1"), salt="mercato.shop.cart"
        )
        self._csrf = _derive(fingerprint_key, b"mercato.shop.csrf.v1")
        # A cookie's check is a pure function of the cookie, and the dearest part of reading
        # a request: a process remembers the carts it has seen lately.
        self.cart_id = lru_cache(maxsize=4096)(self._cart_id)

    def cart_cookie(self, cart_id: str) -> str:
        return str(self._carts.dumps(cart_id))

    def _cart_id(self, cookie: str) -> str | None:
        """The cart id the cookie holds, or None if it was tampered with."""
        try:
            value = self._carts.loads(cookie)
        except BadSignature:
            return None
        return value if isinstance(value, str) and value.startswith("cart_") else None

    def csrf_token(self, scope: str, nonce: str) -> str:
        return csrf.token(self._csrf, scope, nonce)

    def csrf_valid(self, scope: str, nonce: str, given: str) -> bool:
        return csrf.valid(self._csrf, scope, nonce, given)


new_nonce = csrf.new_nonce
