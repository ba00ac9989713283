"""Stripe's test cards, as this bank issues them: each with the account state that makes it
behave as Stripe's testing documentation says (https://docs.stripe.com/testing).

Nothing here is a special case in the rules. A decline comes from the card's state (a
blocked, lost or stolen card; an expiry in the past; an empty account; a card that requires
3-D Secure), judged by the same rules as any card. The cards take any future expiry and any
CVC of the right length, as Stripe's do (``accepts_any_expiry``, ``accepts_any_cvc``),
except 4000000000000127, whose point is to fail: its CVC is judged strictly against the one
the bank derives. And 4000000000000119 carries an injected fault (``Fault.PROCESSING_ERROR``),
because no state of an account makes a bank fail.
"""

from __future__ import annotations

from dataclasses import dataclass

from mercato.issuer.domain.cards import AccountKind, CardStatus, Expiry, Fault
from mercato.money import Money

TEST_CARD_EXPIRY = Expiry(2099, 12)
"""The expiry the test cards really have: far enough that any future expiry is before it."""

EXPIRED = Expiry(2020, 1)
"""The expiry of the card whose point is to be expired."""

PLENTY = Money.from_major("10000000.00", "USD")
"""The balance or credit line of the test cards that succeed: more than tests spend."""

NOTHING = Money.zero("USD")


@dataclass(frozen=True)
class StripeTestCard:
    """One of Stripe's test card numbers and the state this bank gives it."""

    slug: str
    number: str
    behaviour: str
    kind: AccountKind = AccountKind.CREDIT
    funds: Money = PLENTY
    status: CardStatus = CardStatus.ACTIVE
    expiry: Expiry = TEST_CARD_EXPIRY
    requires_3ds: bool = False
    accepts_any_expiry: bool = True
    accepts_any_cvc: bool = True
    fault: Fault | None = None


STRIPE_TEST_CARDS: tuple[StripeTestCard, ...] = (
    # Successful payments, by brand.
    StripeTestCard("visa", "4242424242424242", "Visa: succeeds"),
    StripeTestCard(
        "visa-debit", "4000056655665556", "Visa (debit): succeeds", kind=AccountKind.DEBIT
    ),
    StripeTestCard("mastercard", "5555555555554444", "Mastercard: succeeds"),
    StripeTestCard(
        "mastercard-debit",
        "5200828282828210",
        "Mastercard (debit): succeeds",
        kind=AccountKind.DEBIT,
    ),
    StripeTestCard("amex", "378282246310005", "American Express: succeeds"),
    StripeTestCard("discover", "6011111111111117", "Discover: succeeds"),
    StripeTestCard("diners", "3056930009020004", "Diners Club: succeeds"),
    StripeTestCard("jcb", "3566002020360505", "JCB: succeeds"),
    StripeTestCard("unionpay", "6200000000000005", "UnionPay: succeeds"),
    # Declines.
    StripeTestCard(
        "generic-decline",
        "4000000000000002",
        "declined: generic_decline (the card is blocked: 05 do not honour)",
        status=CardStatus.BLOCKED,
    ),
    StripeTestCard(
        "insufficient-funds",
        "4000000000009995",
        "declined: insufficient_funds (a debit account holding nothing: 51)",
        kind=AccountKind.DEBIT,
        funds=NOTHING,
    ),
    StripeTestCard(
        "lost-card",
        "4000000000009987",
        "declined: lost_card (41)",
        status=CardStatus.LOST,
    ),
    StripeTestCard(
        "stolen-card",
        "4000000000009979",
        "declined: stolen_card (43)",
        status=CardStatus.STOLEN,
    ),
    StripeTestCard(
        "expired-card",
        "4000000000000069",
        "declined: expired_card (the card expired in January 2020: 54)",
        expiry=EXPIRED,
    ),
    StripeTestCard(
        "incorrect-cvc",
        "4000000000000127",
        "declined: incorrect_cvc (its CVC is judged strictly: 82, N7 for Visa)",
        accepts_any_cvc=False,
    ),
    StripeTestCard(
        "processing-error",
        "4000000000000119",
        "declined: processing_error (an injected fault: 96)",
        fault=Fault.PROCESSING_ERROR,
    ),
    # 3-D Secure.
    StripeTestCard(
        "authentication-required",
        "4000002500003155",
        "requires 3-D Secure (1A without it), then succeeds",
        requires_3ds=True,
    ),
    StripeTestCard(
        "authentication-always-required",
        "4000002760003184",
        "always requires 3-D Secure (1A without it), then succeeds",
        requires_3ds=True,
    ),
    StripeTestCard(
        "authentication-then-insufficient-funds",
        "4000008260003178",
        "requires 3-D Secure, then declines: insufficient_funds (51)",
        kind=AccountKind.DEBIT,
        funds=NOTHING,
        requires_3ds=True,
    ),
)
"""Every Stripe test card the bank issues when it starts."""


def stripe_test_card(slug: str) -> StripeTestCard:
    for card in STRIPE_TEST_CARDS:
        if card.slug == slug:
            return card
    raise KeyError(slug)
