"""The official ``stripe`` package, unchanged, against the running demo: Customers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stripe
from running_demo import RunningDemo
from stripe_client import as_merchant


@pytest.fixture
def merchant(shared_demo: RunningDemo) -> Iterator[dict[str, str]]:
    """A merchant of the demo, and the stripe package pointed at the demo with its key."""
    made = shared_demo.create_merchant("Tea & Biscuits Ltd", country="GB", currency="gbp")
    with as_merchant(shared_demo, made):
        yield made


def test_a_merchant_saves_a_customer_and_finds_it_again(merchant: dict[str, str]) -> None:
    created = stripe.Customer.create(
        email="ada@example.com", name="Ada Lovelace", metadata={"order": "7"}
    )
    assert created.id.startswith("cus_")
    fetched = stripe.Customer.retrieve(created.id)
    assert (fetched.email, fetched.name, fetched.metadata["order"]) == (
        "ada@example.com",
        "Ada Lovelace",
        "7",
    )


def test_updating_metadata_adds_changes_and_removes_keys(merchant: dict[str, str]) -> None:
    customer = stripe.Customer.create(metadata={"keep": "1", "drop": "2"})
    updated = stripe.Customer.modify(customer.id, metadata={"drop": "", "new": "3"})
    assert updated.metadata.to_dict() == {"keep": "1", "new": "3"}


def test_customers_list_newest_first_in_pages(merchant: dict[str, str]) -> None:
    made = [stripe.Customer.create(name=f"customer {n}").id for n in range(5)]
    first = stripe.Customer.list(limit=2)
    assert [c.id for c in first.data] == made[::-1][:2]
    assert first.has_more
    everyone = [c.id for c in stripe.Customer.list(limit=2).auto_paging_iter()]
    assert everyone == made[::-1]


def test_a_deleted_customer_is_gone_from_lists(merchant: dict[str, str]) -> None:
    customer = stripe.Customer.create(name="leaving")
    assert stripe.Customer.delete(customer.id).deleted is True
    assert customer.id not in [c.id for c in stripe.Customer.list().data]


def test_another_merchants_customer_does_not_exist_for_me(
    shared_demo: RunningDemo, merchant: dict[str, str]
) -> None:
    mine = stripe.Customer.create(name="mine")
    other = shared_demo.create_merchant("Someone Else Inc")
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe.Customer.retrieve(mine.id, api_key=other["secret_key"])
    assert refused.value.http_status == 404
    assert refused.value.code == "resource_missing"


def test_an_unknown_parameter_is_named_in_the_error(merchant: dict[str, str]) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe.Customer.create(nickname="Ada")
    assert refused.value.param == "nickname"
    assert "Received unknown parameter: nickname" in str(refused.value)


def test_an_invalid_email_is_refused_with_its_parameter(merchant: dict[str, str]) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe.Customer.create(email="not an email")
    assert refused.value.param == "email"


def test_a_wrong_key_is_refused_with_401(merchant: dict[str, str]) -> None:
    with pytest.raises(stripe.AuthenticationError) as refused:
        stripe.Customer.list(api_key="sk_test_notarealkey000000000000000000")
    assert refused.value.http_status == 401


def test_a_publishable_key_cannot_read_customers(merchant: dict[str, str]) -> None:
    with pytest.raises(stripe.PermissionError):
        stripe.Customer.list(api_key=merchant["publishable_key"])


def test_a_retried_create_with_the_same_idempotency_key_makes_one_customer(
    merchant: dict[str, str],
) -> None:
    first = stripe.Customer.create(name="once", idempotency_key="signup-42")
    again = stripe.Customer.create(name="once", idempotency_key="signup-42")
    assert again.id == first.id
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"
    assert [c.name for c in stripe.Customer.list().data].count("once") == 1


def test_the_same_idempotency_key_with_other_parameters_is_an_idempotency_error(
    merchant: dict[str, str],
) -> None:
    stripe.Customer.create(name="once", idempotency_key="signup-43")
    with pytest.raises(stripe.IdempotencyError):
        stripe.Customer.create(name="twice", idempotency_key="signup-43")
