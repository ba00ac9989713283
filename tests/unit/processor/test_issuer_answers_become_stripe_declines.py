"""The issuer's ISO 8583 response codes reach the merchant as Stripe's decline codes."""

from __future__ import annotations

import pytest

from mercato.network import ResponseCode
from mercato.processor.codes import cvc_check, not_supported, unanswered, verdict_for


@pytest.mark.parametrize(
    ("response_code", "code", "decline_code"),
    [
        ("05", "card_declined", "generic_decline"),
        ("51", "card_declined", "insufficient_funds"),
        ("54", "expired_card", "expired_card"),
        ("14", "incorrect_number", "incorrect_number"),
        ("41", "card_declined", "lost_card"),
        ("43", "card_declined", "stolen_card"),
        ("61", "card_declined", "card_velocity_exceeded"),
        ("82", "incorrect_cvc", "incorrect_cvc"),
        ("N7", "incorrect_cvc", "incorrect_cvc"),
        ("13", "card_declined", "invalid_amount"),
        ("1A", "authentication_required", "authentication_required"),
        ("91", "card_declined", "issuer_not_available"),
        ("96", "processing_error", "processing_error"),
    ],
)
def test_each_decline_has_stripes_code_and_keeps_the_networks(
    response_code: str, code: str, decline_code: str
) -> None:
    verdict = verdict_for(response_code)
    assert not verdict.approved
    assert (verdict.code, verdict.decline_code) == (code, decline_code)
    outcome = verdict.outcome()
    assert outcome["network_status"] == "declined_by_network"
    assert outcome["network_decline_code"] == response_code
    assert outcome["reason"] == decline_code
    assert outcome["type"] == "issuer_declined"
    assert outcome["risk_level"] == "normal"


def test_every_code_the_link_knows_has_a_verdict() -> None:
    for response_code in ResponseCode:
        assert verdict_for(response_code).approved is (response_code is ResponseCode.APPROVED)


def test_an_approval_is_authorized_with_no_decline() -> None:
    outcome = verdict_for("00").outcome()
    assert outcome["type"] == "authorized"
    assert outcome["network_status"] == "approved_by_network"
    assert outcome["reason"] is None
    assert outcome["network_decline_code"] is None
    assert outcome["seller_message"] == "Payment complete."


def test_a_specific_decline_tells_the_seller_its_code() -> None:
    assert verdict_for("51").seller_message == (
        "The bank returned the decline code `insufficient_funds`."
    )
    assert verdict_for("05").seller_message == (
        "The bank did not return any further details with this decline."
    )


def test_no_answer_is_a_processing_error() -> None:
    verdict = unanswered()
    assert (verdict.code, verdict.decline_code, verdict.response_code) == (
        "processing_error",
        "processing_error",
        None,
    )


def test_a_card_no_issuer_serves_never_reaches_the_network() -> None:
    verdict = not_supported()
    assert (verdict.code, verdict.decline_code) == ("card_declined", "card_not_supported")
    assert verdict.outcome()["network_status"] == "not_sent_to_network"


def test_the_cvc_result_becomes_the_cvc_check() -> None:
    assert [cvc_check(r) for r in ("M", "N", "P", None)] == ["pass", "fail", "unchecked", None]
