"""Stripe's test cards, issued by the bank at start, behave as Stripe's documentation says."""

from __future__ import annotations

from issuer_acquirer import Acquirer

from mercato.issuer import STRIPE_TEST_CARDS, Expiry, IssuingBank
from mercato.issuer.domain.secrets import derive_cvc
from mercato.network import ResponseCode

SUCCEED = {
    "4242424242424242": "visa",
    "4000056655665556": "visa debit",
    "5555555555554444": "mastercard",
    "5200828282828210": "mastercard debit",
    "378282246310005": "american express",
    "6011111111111117": "discover",
    "3056930009020004": "diners club",
    "3566002020360505": "jcb",
    "6200000000000005": "unionpay",
}

DECLINE = {
    "4000000000000002": ResponseCode.DO_NOT_HONOUR,  # generic_decline
    "4000000000009995": ResponseCode.INSUFFICIENT_FUNDS,  # insufficient_funds
    "4000000000009987": ResponseCode.LOST_CARD,  # lost_card
    "4000000000009979": ResponseCode.STOLEN_CARD,  # stolen_card
    "4000000000000069": ResponseCode.EXPIRED_CARD,  # expired_card
    "4000000000000127": ResponseCode.CVC_FAILED_N7,  # incorrect_cvc
    "4000000000000119": ResponseCode.SYSTEM_ERROR,  # processing_error
    "4000002500003155": ResponseCode.AUTHENTICATION_REQUIRED,  # requires 3-D Secure
    "4000002760003184": ResponseCode.AUTHENTICATION_REQUIRED,  # always requires 3-D Secure
    "4000008260003178": ResponseCode.AUTHENTICATION_REQUIRED,  # 3-D Secure, then funds
}


def test_the_bank_issues_every_stripe_test_card_once(bank: IssuingBank) -> None:
    assert {card.number for card in STRIPE_TEST_CARDS} == set(SUCCEED) | set(DECLINE)
    assert bank.issue_test_cards() == 0  # already issued when the bank opened


def test_stripes_success_cards_approve_with_any_future_expiry_and_any_cvc(
    acquirer: Acquirer,
) -> None:
    for number, name in SUCCEED.items():
        cvc = "4321" if number.startswith("37") else "321"
        for expiry in ("2701", "3412"):
            response = acquirer.authorise(number, 1999, expiry=expiry, cvc=cvc)
            assert response.response_code is ResponseCode.APPROVED, name
        assert acquirer.authorise(number, 1999, cvc=None).response_code is ResponseCode.APPROVED


def test_stripes_decline_cards_decline_with_their_documented_reasons(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    # The incorrect-CVC card is judged strictly: any CVC but the bank's own fails.
    own = derive_cvc(bank.keys, "4000000000000127", Expiry(2099, 12), length=3)
    wrong = f"{(int(own) + 1) % 1000:03d}"
    for number, code in DECLINE.items():
        response = acquirer.authorise(number, 1999, expiry="3412", cvc=wrong)
        assert response.response_code is code, number
        assert response.approval_code is None


def test_an_expiry_in_the_past_declines_even_stripes_success_card(acquirer: Acquirer) -> None:
    response = acquirer.authorise("4242424242424242", expiry="2510")
    assert response.response_code is ResponseCode.EXPIRED_CARD


def test_stripes_test_cards_take_any_currency_the_bank_has_a_rate_for(
    acquirer: Acquirer,
) -> None:
    for currency in ("EUR", "GBP", "JPY", "USD"):
        response = acquirer.authorise("4242424242424242", 5000, currency=currency)
        assert response.response_code is ResponseCode.APPROVED, currency
