"""Cards saved as payment methods, through the official ``stripe`` package."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import stripe
from running_demo import RunningDemo
from stripe_client import as_merchant

NEXT_YEAR = dt.datetime.now(dt.UTC).year + 1


@pytest.fixture
def merchant(shared_demo: RunningDemo) -> Iterator[dict[str, str]]:
    made = shared_demo.create_merchant("Corner Bakery")
    with as_merchant(shared_demo, made):
        yield made


def card(number: str, **overrides: object) -> dict[str, object]:
    return {"number": number, "exp_month": 12, "exp_year": NEXT_YEAR, "cvc": "123", **overrides}


def test_a_card_becomes_a_payment_method_showing_only_its_last_four(
    merchant: dict[str, str],
) -> None:
    method = stripe.PaymentMethod.create(
        type="card", card=card("4242424242424242"), billing_details={"name": "Ada Lovelace"}
    )
    assert method.id.startswith("pm_")
    assert (method.card.brand, method.card.last4, method.card.funding) == ("visa", "4242", "credit")
    assert method.card.exp_year == NEXT_YEAR
    assert method.billing_details.name == "Ada Lovelace"
    assert "4242424242424242" not in str(method)


def test_the_same_card_twice_has_the_same_fingerprint(merchant: dict[str, str]) -> None:
    first = stripe.PaymentMethod.create(type="card", card=card("5555 5555 5555 4444"))
    second = stripe.PaymentMethod.create(type="card", card=card("5555555555554444"))
    other = stripe.PaymentMethod.create(type="card", card=card("4000056655665556"))
    assert first.card.fingerprint == second.card.fingerprint != other.card.fingerprint
    assert other.card.funding == "debit"


@pytest.mark.parametrize(
    ("details", "code", "param"),
    [
        (card("4242424242424241"), "incorrect_number", "card[number]"),
        (card("4242"), "invalid_number", "card[number]"),
        (card("4242424242424242", exp_month=13), "invalid_expiry_month", "card[exp_month]"),
        (card("4242424242424242", exp_year=2001), "invalid_expiry_year", "card[exp_year]"),
        (card("4242424242424242", cvc="12"), "invalid_cvc", "card[cvc]"),
        (card("378282246310005", cvc="123"), "invalid_cvc", "card[cvc]"),
    ],
)
def test_a_wrong_card_is_refused_with_stripes_code(
    merchant: dict[str, str], details: dict[str, object], code: str, param: str
) -> None:
    with pytest.raises(stripe.CardError) as refused:
        stripe.PaymentMethod.create(type="card", card=details)
    assert refused.value.http_status == 402
    assert (refused.value.code, refused.value.param) == (code, param)
    assert "4242424242424241" not in str(refused.value)


def test_stripes_test_payment_method_ids_work(merchant: dict[str, str]) -> None:
    customer = stripe.Customer.create(name="Ada")
    attached = stripe.PaymentMethod.attach("pm_card_mastercard", customer=customer.id)
    assert attached.card.brand == "mastercard"
    assert attached.customer == customer.id


def test_a_card_is_attached_listed_and_detached(merchant: dict[str, str]) -> None:
    customer = stripe.Customer.create(name="Grace")
    method = stripe.PaymentMethod.create(type="card", card=card("4242424242424242"))
    stripe.PaymentMethod.attach(method.id, customer=customer.id)
    listed = stripe.PaymentMethod.list(customer=customer.id, type="card")
    assert [m.id for m in listed.data] == [method.id]
    assert stripe.PaymentMethod.detach(method.id).customer is None
    assert stripe.PaymentMethod.list(customer=customer.id).data == []


def test_a_publishable_key_may_create_a_payment_method_but_not_read_one(
    merchant: dict[str, str],
) -> None:
    method = stripe.PaymentMethod.create(
        type="card", card=card("4242424242424242"), api_key=merchant["publishable_key"]
    )
    with pytest.raises(stripe.PermissionError):
        stripe.PaymentMethod.retrieve(method.id, api_key=merchant["publishable_key"])


def test_a_publishable_key_cannot_attach_a_card_to_a_customer(merchant: dict[str, str]) -> None:
    customer = stripe.Customer.create(name="Ada")
    with pytest.raises(stripe.PermissionError) as refused:
        stripe.PaymentMethod.create(
            type="card",
            card=card("4242424242424242"),
            customer=customer.id,
            api_key=merchant["publishable_key"],
        )
    assert refused.value.error.param == "customer"
