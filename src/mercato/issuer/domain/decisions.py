"""How the bank judges an authorisation request, before any money is held.

The rules run in the order a real issuer applies them: the request itself (amount,
currency), then the card (known, status, expiry, CVC, 3-D Secure). Funds come last and are
not judged here: the ledger checks the account's limit in the same atomic step that places
the hold, so a balance is never read, judged and written back as separate steps. When the
ledger refuses, ``funds_decline`` names the reason for the account's kind.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from mercato.issuer.domain import fx
from mercato.issuer.domain.cards import AccountKind, CardState, CardStatus, Expiry
from mercato.money import Currency, Money, Rounding

MAXIMUM_AUTHORISATION = Money.from_major("1000000.00", "USD")
"""The most one authorisation may ask for, at the table's rates (``fx.RATES_PER_USD``)."""


class Decline(enum.StrEnum):
    """Why the bank says no. The wire codes for each are in ``mercato.issuer.codes``."""

    FORMAT_ERROR = "format_error"
    INVALID_TRANSACTION = "invalid_transaction"
    INVALID_AMOUNT = "invalid_amount"
    UNKNOWN_CARD = "unknown_card"
    LOST_CARD = "lost_card"
    STOLEN_CARD = "stolen_card"
    BLOCKED_CARD = "blocked_card"
    EXPIRED_CARD = "expired_card"
    INCORRECT_CVC = "incorrect_cvc"
    AUTHENTICATION_REQUIRED = "authentication_required"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    OVER_CREDIT_LIMIT = "over_credit_limit"


class ThreeDS(enum.Enum):
    """What the request carried of 3-D Secure."""

    ABSENT = "absent"
    VALID = "valid"  # the bank's own result, for this card and this amount
    INVALID = "invalid"  # something else: forged, or made for another card or amount


class CvcResult(enum.StrEnum):
    """The CVC check's outcome, as field 44 reports it to the acquirer."""

    MATCH = "M"
    NO_MATCH = "N"
    NOT_PROCESSED = "P"


@dataclass(frozen=True, slots=True)
class Presented:
    """What the authorisation request presents: the amount, and the card's data as the
    customer typed them (``expiry`` as ``YYMM``, ``cvc``), and its 3-D Secure result."""

    amount: Money
    expiry: str | None
    cvc: str | None
    three_ds: ThreeDS = ThreeDS.ABSENT


@dataclass(frozen=True, slots=True)
class Judgement:
    """The bank's answer before funds: ``decline`` None means "go on and hold the money"."""

    decline: Decline | None
    cvc_result: CvcResult | None = None


def judge_amount(amount: Money) -> Decline | None:
    """Zero, or more than the bank allows in one authorisation, is an invalid amount; a
    currency the bank has no rate for is an invalid transaction."""
    if not fx.supports(amount.currency):
        return Decline.INVALID_TRANSACTION
    if amount.minor <= 0:
        return Decline.INVALID_AMOUNT
    limit = MAXIMUM_AUTHORISATION.currency
    if fx.convert(amount, limit, Rounding.FLOOR) > MAXIMUM_AUTHORISATION:
        return Decline.INVALID_AMOUNT
    return None


_STATUS_DECLINES = {
    CardStatus.LOST: Decline.LOST_CARD,
    CardStatus.STOLEN: Decline.STOLEN_CARD,
    CardStatus.BLOCKED: Decline.BLOCKED_CARD,
}


def judge(card: CardState | None, presented: Presented, today: dt.date) -> Judgement:
    """The bank's judgement of a request for ``card`` (None: no such card) on ``today``."""
    decline = judge_amount(presented.amount) or _judge_card(card, presented.expiry, today)
    if decline is not None or card is None:
        return Judgement(decline or Decline.UNKNOWN_CARD)
    cvc = _check_cvc(card, presented.cvc)
    if cvc is CvcResult.NO_MATCH:
        return Judgement(Decline.INCORRECT_CVC, cvc)
    if presented.three_ds is ThreeDS.INVALID or (
        card.requires_3ds and presented.three_ds is not ThreeDS.VALID
    ):
        return Judgement(Decline.AUTHENTICATION_REQUIRED, cvc)
    return Judgement(None, cvc)


def _judge_card(card: CardState | None, expiry: str | None, today: dt.date) -> Decline | None:
    """The card itself: known, active, in date."""
    if card is None:
        return Decline.UNKNOWN_CARD
    if card.status is not CardStatus.ACTIVE:
        return _STATUS_DECLINES[card.status]
    return _judge_expiry(card, expiry, today)


def _judge_expiry(card: CardState, presented: str | None, today: dt.date) -> Decline | None:
    if card.expiry.expired_on(today):
        return Decline.EXPIRED_CARD
    if presented is None:
        # A test card takes any expiry, none included; the bank's own cards need theirs.
        return None if card.accepts_any_expiry else Decline.EXPIRED_CARD
    try:
        expiry = Expiry.parse_yymm(presented)
    except ValueError:
        return Decline.FORMAT_ERROR
    if expiry.expired_on(today):
        return Decline.EXPIRED_CARD
    if not card.accepts_any_expiry and expiry != card.expiry:
        # A wrong expiry on a real card is answered as an expired card, as issuers do.
        return Decline.EXPIRED_CARD
    return None


def _check_cvc(card: CardState, presented: str | None) -> CvcResult:
    """A CVC left out is not checked ("P"): recurring and merchant-initiated payments carry
    none. One given must be the card's (any of the right length, for a test card)."""
    if presented is None or presented == "":
        return CvcResult.NOT_PROCESSED
    well_formed = presented.isascii() and presented.isdigit() and len(presented) == len(card.cvc)
    if card.accepts_any_cvc:
        return CvcResult.MATCH if well_formed else CvcResult.NO_MATCH
    return CvcResult.MATCH if well_formed and presented == card.cvc else CvcResult.NO_MATCH


def funds_decline(kind: AccountKind) -> Decline:
    """Why the hold was refused when the ledger found the account short."""
    return Decline.INSUFFICIENT_FUNDS if kind is AccountKind.DEBIT else Decline.OVER_CREDIT_LIMIT


def held_amount(amount: Money, account_currency: Currency) -> Money:
    """What is held on an account for a transaction of ``amount`` (converted, in the bank's
    favour, when the currencies differ)."""
    return fx.convert(amount, account_currency, Rounding.CEILING)
