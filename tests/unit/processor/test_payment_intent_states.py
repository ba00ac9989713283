"""What a payment intent allows in each of its states, as Stripe's clients expect."""

from __future__ import annotations

import pytest

from mercato.gateway.errors import InvalidRequest
from mercato.gateway.intent_records import (
    ALLOWED,
    Action,
    Status,
    check,
    redirect_status,
    status_with_method,
)


def test_an_intent_waits_for_a_method_then_for_confirmation() -> None:
    assert status_with_method(False) is Status.REQUIRES_PAYMENT_METHOD
    assert status_with_method(True) is Status.REQUIRES_CONFIRMATION


@pytest.mark.parametrize(
    ("status", "action", "allowed"),
    [
        ("requires_payment_method", Action.CONFIRM, True),
        ("requires_confirmation", Action.CONFIRM, True),
        ("requires_action", Action.CONFIRM, False),
        ("processing", Action.CONFIRM, False),
        ("succeeded", Action.CONFIRM, False),
        ("requires_capture", Action.CAPTURE, True),
        ("succeeded", Action.CAPTURE, False),
        ("requires_confirmation", Action.CAPTURE, False),
        ("requires_capture", Action.CANCEL, True),
        ("requires_action", Action.CANCEL, True),
        ("processing", Action.CANCEL, False),
        ("succeeded", Action.CANCEL, False),
        ("canceled", Action.CANCEL, False),
        ("requires_action", Action.UPDATE, True),
        ("requires_capture", Action.UPDATE, False),
    ],
)
def test_each_action_is_allowed_only_where_stripe_allows_it(
    status: str, action: Action, allowed: bool
) -> None:
    assert (Status(status) in ALLOWED[action]) is allowed
    if allowed:
        check(status, action)
        return
    with pytest.raises(InvalidRequest) as refused:
        check(status, action)
    assert refused.value.code == "payment_intent_unexpected_state"
    assert f"status of {status}" in refused.value.message


def test_a_refusal_says_which_statuses_would_do() -> None:
    with pytest.raises(InvalidRequest) as refused:
        check("succeeded", Action.CAPTURE)
    assert refused.value.message == (
        "You cannot capture this PaymentIntent because it has a status of succeeded. Only a "
        "PaymentIntent with one of the following statuses may be captured: requires_capture."
    )


def test_nothing_moves_a_finished_intent() -> None:
    for action in Action:
        for finished in (Status.SUCCEEDED, Status.CANCELED, Status.PROCESSING):
            assert finished not in ALLOWED[action]


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("succeeded", "succeeded"),
        ("requires_capture", "succeeded"),
        ("processing", "processing"),
        ("requires_payment_method", "failed"),
        ("requires_action", "failed"),
    ],
)
def test_the_shop_is_told_how_the_authentication_ended(status: str, shown: str) -> None:
    assert redirect_status(status) == shown
