"""Merchants and the keys they (and the platform's operator) call the API with.

A merchant gets a secret key (``sk_test_...``, for its servers) and a publishable key
(``pk_test_...``, for what runs in a browser). The operator has admin keys
(``sk_admin_...``) for the platform's own endpoints. A key is shown once, when it is made;
only its SHA-256 hash is kept.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway.errors import AuthenticationError, InvalidRequest
from mercato.gateway.ids import new_id, new_secret
from mercato.gateway.tables import api_keys, merchants
from mercato.money import Currency, UnknownCurrency

# The countries Mercato opens merchants in.
COUNTRIES_WE_ONBOARD = frozenset(
    "AT AU BE BG CA CH CY CZ DE DK EE ES FI FR GB GR HR HU IE IT JP LT LU LV MT NL NO NZ PL PT RO "  # noqa: SIM905
    "SE SG SI SK US".split()
)


class KeyKind(enum.StrEnum):
    SECRET = "secret"  # noqa: S105 -- the name of a kind of key, not a key
    PUBLISHABLE = "publishable"
    ADMIN = "admin"


_PREFIX = {KeyKind.SECRET: "sk_test_", KeyKind.PUBLISHABLE: "pk_test_", KeyKind.ADMIN: "sk_admin_"}


@dataclass(frozen=True)
class Merchant:
    id: str
    name: str
    country: str
    default_currency: Currency


@dataclass(frozen=True)
class NewMerchant:
    """A merchant just made, with its keys in clear: the only time they are shown."""

    merchant: Merchant
    secret_key: str
    publishable_key: str


@dataclass(frozen=True)
class Caller:
    """Who is calling: a merchant's key, or the operator's."""

    kind: KeyKind
    merchant_id: str | None

    @property
    def owner(self) -> str:
        return self.merchant_id or ""


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _issue_key(connection: Connection, kind: KeyKind, merchant_id: str | None, clock: Clock) -> str:
    key = new_secret(_PREFIX[kind])
    connection.execute(
        sa.insert(api_keys).values(
            id=new_id("key"),
            merchant_id=merchant_id,
            kind=kind.value,
            key_hash=key_hash(key),
            last4=key[-4:],
            created_at=clock.now(),
        )
    )
    return key


def create_merchant(
    connection: Connection, *, name: str, country: str, currency: str, clock: Clock
) -> NewMerchant:
    """Open a merchant with its default currency, and issue its secret and publishable keys."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidRequest("A merchant needs a name of 1 to 200 characters.", param="name")
    country = country.strip().upper()
    if country not in COUNTRIES_WE_ONBOARD:
        raise InvalidRequest(f"Mercato does not onboard merchants in {country!r}.", param="country")
    try:
        default_currency = Currency.of(currency)
    except UnknownCurrency:
        raise InvalidRequest(f"Invalid currency: {currency}", param="currency") from None
    merchant = Merchant(new_id("acct"), name, country, default_currency)
    connection.execute(
        sa.insert(merchants).values(
            id=merchant.id,
            name=name,
            country=country,
            default_currency=default_currency.code.lower(),
            metadata={},
            created_at=clock.now(),
        )
    )
    return NewMerchant(
        merchant,
        _issue_key(connection, KeyKind.SECRET, merchant.id, clock),
        _issue_key(connection, KeyKind.PUBLISHABLE, merchant.id, clock),
    )


def create_admin_key(connection: Connection, clock: Clock) -> str:
    """A new operator key for the platform's own endpoints."""
    return _issue_key(connection, KeyKind.ADMIN, None, clock)


def get_merchant(connection: Connection, merchant_id: str) -> Merchant | None:
    row = connection.execute(sa.select(merchants).where(merchants.c.id == merchant_id)).first()
    if row is None:
        return None
    return Merchant(row.id, row.name, row.country, Currency.of(row.default_currency))


def authenticate(connection: Connection, key: str | None) -> Caller:
    """The caller a key belongs to, or Stripe's 401 error."""
    if not key:
        raise AuthenticationError(
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth "
            "(e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        )
    row = connection.execute(
        sa.select(api_keys.c.kind, api_keys.c.merchant_id, api_keys.c.revoked_at).where(
            api_keys.c.key_hash == key_hash(key)
        )
    ).first()
    if row is None or row.revoked_at is not None:
        shown = f"{key[:8]}{'*' * 8}{key[-4:]}" if len(key) > 12 else "****"
        raise AuthenticationError(f"Invalid API Key provided: {shown}", code="api_key_invalid")
    return Caller(KeyKind(row.kind), row.merchant_id)
