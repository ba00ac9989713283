"""The bank's keyed derivations: CVCs, 3-D Secure authentication values, request digests.

Real issuers derive a card's CVV2 from the number and expiry with a key held in their
hardware security module, and validate a 3-D Secure CAVV with another key: nothing secret
about a card is stored, it is recomputed. The simulator does the same with HMAC-SHA256 and
keys derived from one master secret, one key per purpose, so that a value made for one
purpose can never pass as another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass

from mercato.issuer.domain.cards import Expiry
from mercato.money import Money

AUTHENTICATED_ECI = frozenset({"05", "02"})
"""ECIs of a fully authenticated 3-D Secure result (05: Visa, Amex, Discover, JCB...;
02: Mastercard)."""


@dataclass(frozen=True)
class BankKeys:
    """The purpose keys of the bank, each derived from ``master`` (32 random bytes)."""

    master: bytes

    def __post_init__(self) -> None:
        if len(self.master) < 32:
            raise ValueError("the bank's master secret must be 32 bytes or more")

    def __repr__(self) -> str:
        return "BankKeys(****)"

    def key(self, purpose: str) -> bytes:
        return hmac.new(self.master, f"mercato.issuer:{purpose}".encode(), hashlib.sha256).digest()

    def mac(self, purpose: str, *parts: str) -> bytes:
        """HMAC-SHA256 of ``parts`` under the key for ``purpose`` (parts joined unambiguously)."""
        message = "\x1f".join(parts).encode()
        return hmac.new(self.key(purpose), message, hashlib.sha256).digest()


def derive_cvc(keys: BankKeys, digits: str, expiry: Expiry, *, length: int) -> str:
    """The card's CVC: ``length`` decimal digits (3; 4 for American Express) of an HMAC of
    the number and expiry. The same card always gets the same CVC; it is never stored."""
    value = int.from_bytes(keys.mac("cvc", digits, expiry.yymm), "big")
    return f"{value % 10**length:0{length}d}"


def cvc_length(brand: str) -> int:
    """American Express prints four digits; every other brand three."""
    return 4 if brand == "amex" else 3


def authentication_value(
    keys: BankKeys, transaction_id: str, card_id: uuid.UUID, amount: Money
) -> str:
    """The 3-D Secure authentication value (CAVV-like, 28 base64 characters) that binds one
    authentication to one card and one amount in one currency."""
    digest = keys.mac("3ds", transaction_id, str(card_id), str(amount.minor), amount.currency.code)
    return base64.b64encode(digest[:20]).decode()


def authentication_holds(
    keys: BankKeys,
    *,
    eci: str,
    value: str,
    transaction_id: str,
    card_id: uuid.UUID,
    amount: Money,
) -> bool:
    """Whether a 3-D Secure result presented with an authorisation is the bank's own, for this
    card and this amount (a result for another card or amount does not hold)."""
    if eci not in AUTHENTICATED_ECI:
        return False
    expected = authentication_value(keys, transaction_id, card_id, amount)
    return hmac.compare_digest(expected.encode(), value.encode())


def request_digest(keys: BankKeys, *parts: str) -> str:
    """A keyed digest of what a request asked, to tell a retransmission from a different
    request that reuses its key. Keyed, because one of the parts is a card number."""
    return keys.mac("request", *parts).hex()


def csrf_token(keys: BankKeys, challenge_id: str, nonce: str) -> str:
    """The token a challenge page's forms carry: bound to the challenge and to the nonce in
    the browser's cookie (double submit), so another site cannot forge the form."""
    return keys.mac("csrf", challenge_id, nonce).hex()
