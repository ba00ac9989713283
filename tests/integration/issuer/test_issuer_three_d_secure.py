"""3-D Secure: the bank's access control server and the authorisations that present its
results. The ACS is driven in-process (Starlette's TestClient), the authorisation over TCP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from issuer_acquirer import Acquirer
from starlette.testclient import TestClient

from mercato.issuer import IssuingBank
from mercato.network import ResponseCode, ThreeDSResult

REQUIRES_3DS = "4000002500003155"
ALWAYS_REQUIRES_3DS = "4000002760003184"
THEN_INSUFFICIENT_FUNDS = "4000008260003178"
VISA = "4242424242424242"
RETURN_URL = "https://shop.example/checkout/return?order=7"


@pytest.fixture
def acs(bank: IssuingBank) -> Iterator[TestClient]:
    with TestClient(bank.acs_app()) as client:
        yield client


def begin(acs: TestClient, pan: str, amount: int = 2500, **overrides: Any) -> dict[str, Any]:
    body = {
        "pan": pan,
        "amount": amount,
        "currency": "usd",
        "merchant_name": "Corner Shop",
        "return_url": RETURN_URL,
        **overrides,
    }
    response = acs.post("/3ds/authentications", json=body)
    assert response.status_code == 201, response.text
    started: dict[str, Any] = response.json()
    return started


def answer_challenge(acs: TestClient, started: dict[str, Any], outcome: str) -> None:
    page = acs.get(started["challenge_url"])
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert token is not None
    answered = acs.post(
        started["challenge_url"],
        data={"csrf_token": token.group(1), "outcome": outcome},
        follow_redirects=False,
    )
    assert answered.status_code == 303
    assert answered.headers["location"] == RETURN_URL


def result_of(acs: TestClient, started: dict[str, Any]) -> dict[str, Any]:
    response = acs.get(f"/3ds/authentications/{started['id']}")
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


def three_ds(result: dict[str, Any]) -> ThreeDSResult:
    return ThreeDSResult(result["eci"], result["authentication_value"], result["transaction_id"])


def test_a_card_that_requires_3ds_is_refused_without_an_authentication_result(
    acquirer: Acquirer,
) -> None:
    for number in (REQUIRES_3DS, ALWAYS_REQUIRES_3DS, THEN_INSUFFICIENT_FUNDS):
        response = acquirer.authorise(number)
        assert response.response_code is ResponseCode.AUTHENTICATION_REQUIRED


def test_a_completed_challenge_lets_the_authorisation_through(
    acs: TestClient, acquirer: Acquirer
) -> None:
    started = begin(acs, REQUIRES_3DS)
    assert started["status"] == "C"
    assert started["challenge_url"].endswith(f"/3ds/challenge/{started['id']}")
    answer_challenge(acs, started, "complete")
    result = result_of(acs, started)
    assert result["status"] == "Y"
    assert result["eci"] == "05"
    assert result["transaction_id"] == started["id"]
    response = acquirer.authorise(REQUIRES_3DS, 2500, three_ds=three_ds(result))
    assert response.response_code is ResponseCode.APPROVED


def test_the_challenge_page_shows_merchant_amount_and_masked_card_and_loads_nothing_else(
    acs: TestClient,
) -> None:
    started = begin(acs, ALWAYS_REQUIRES_3DS, 4999)
    page = acs.get(started["challenge_url"])
    assert page.headers["content-type"].startswith("text/html")
    assert "Corner Shop" in page.text
    assert "$49.99" in page.text
    assert "Visa •••• 3184" in page.text
    assert ALWAYS_REQUIRES_3DS not in page.text
    assert "Complete authentication" in page.text
    assert "Fail authentication" in page.text
    for outside in ("<script", "<link", "src=", "@import"):
        assert outside not in page.text


def test_a_result_for_another_amount_is_refused(acs: TestClient, acquirer: Acquirer) -> None:
    started = begin(acs, REQUIRES_3DS, 2500)
    answer_challenge(acs, started, "complete")
    result = three_ds(result_of(acs, started))
    more = acquirer.authorise(REQUIRES_3DS, 2600, three_ds=result)
    assert more.response_code is ResponseCode.AUTHENTICATION_REQUIRED
    other_currency = acquirer.authorise(REQUIRES_3DS, 2500, currency="EUR", three_ds=result)
    assert other_currency.response_code is ResponseCode.AUTHENTICATION_REQUIRED


def test_a_result_for_another_card_is_refused(acs: TestClient, acquirer: Acquirer) -> None:
    started = begin(acs, REQUIRES_3DS, 2500)
    answer_challenge(acs, started, "complete")
    result = three_ds(result_of(acs, started))
    response = acquirer.authorise(ALWAYS_REQUIRES_3DS, 2500, three_ds=result)
    assert response.response_code is ResponseCode.AUTHENTICATION_REQUIRED


def test_a_forged_authentication_value_is_refused(acs: TestClient, acquirer: Acquirer) -> None:
    started = begin(acs, REQUIRES_3DS, 2500)
    forged = ThreeDSResult("05", "A" * 28, started["id"])
    response = acquirer.authorise(REQUIRES_3DS, 2500, three_ds=forged)
    assert response.response_code is ResponseCode.AUTHENTICATION_REQUIRED


def test_a_failed_challenge_gives_no_authentication_value(
    acs: TestClient, acquirer: Acquirer
) -> None:
    started = begin(acs, REQUIRES_3DS)
    answer_challenge(acs, started, "fail")
    result = result_of(acs, started)
    assert result["status"] == "N"
    assert result["eci"] == "07"
    assert result["authentication_value"] is None
    assert acquirer.authorise(REQUIRES_3DS).response_code is ResponseCode.AUTHENTICATION_REQUIRED


def test_a_challenge_is_answered_once(acs: TestClient) -> None:
    started = begin(acs, REQUIRES_3DS)
    answer_challenge(acs, started, "fail")
    page = acs.get(started["challenge_url"])
    assert "Authentication failed" in page.text
    assert "csrf_token" not in page.text
    assert result_of(acs, started)["status"] == "N"


def test_a_challenge_answer_without_its_csrf_token_is_refused(acs: TestClient) -> None:
    started = begin(acs, REQUIRES_3DS)
    forged = acs.post(
        started["challenge_url"],
        data={"csrf_token": "0" * 64, "outcome": "complete"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    acs.get(started["challenge_url"])  # sets the cookie, but the token still does not match
    forged = acs.post(
        started["challenge_url"],
        data={"csrf_token": "0" * 64, "outcome": "complete"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert result_of(acs, started)["status"] == "C"


def test_authentication_then_insufficient_funds_declines_after_the_challenge(
    acs: TestClient, acquirer: Acquirer
) -> None:
    started = begin(acs, THEN_INSUFFICIENT_FUNDS)
    answer_challenge(acs, started, "complete")
    result = three_ds(result_of(acs, started))
    response = acquirer.authorise(THEN_INSUFFICIENT_FUNDS, 2500, three_ds=result)
    assert response.response_code is ResponseCode.INSUFFICIENT_FUNDS


def test_a_card_without_a_challenge_is_authenticated_at_once(
    acs: TestClient, acquirer: Acquirer
) -> None:
    started = begin(acs, VISA, 1234)
    assert started["status"] == "Y"
    assert started["challenge_url"] is None
    response = acquirer.authorise(VISA, 1234, three_ds=three_ds(started))
    assert response.response_code is ResponseCode.APPROVED


def test_a_card_the_bank_does_not_know_is_not_authenticated(acs: TestClient) -> None:
    started = begin(acs, "4111111111111111")
    assert started["status"] == "N"
    assert started["authentication_value"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", 0),
        ("amount", "25.00"),
        ("currency", "zzz"),
        ("return_url", "javascript:alert(1)"),
        ("merchant_name", ""),
    ],
)
def test_a_malformed_authentication_request_is_refused_with_the_parameter_named(
    acs: TestClient, field: str, value: object
) -> None:
    body = {
        "pan": VISA,
        "amount": 100,
        "currency": "usd",
        "merchant_name": "Corner Shop",
        "return_url": RETURN_URL,
        field: value,
    }
    response = acs.post("/3ds/authentications", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == field


def test_an_unknown_authentication_is_not_found(acs: TestClient) -> None:
    assert acs.get("/3ds/authentications/not-an-id").status_code == 404
    missing = acs.get("/3ds/challenge/0192d3c4-0000-7000-8000-000000000001")
    assert missing.status_code == 404
