"""The owner sees a payment in the dashboard and refunds it with the Refund button, after
confirming; pressing twice refunds once; a form without its token refunds nothing."""

from __future__ import annotations

from dashboard_world import Owner, sign_in, token
from fastapi.testclient import TestClient

from payments_world import Shop


def paid(shop: Shop, amount: int = 2599) -> str:
    status, intent = shop.pay(amount=amount, description="Birthday cake")
    assert status == 200, intent
    return str(intent["id"])


def test_the_owner_sees_the_payment_with_its_card_masked(
    browser: TestClient, owner: Owner, shop: Shop
) -> None:
    intent_id = paid(shop)
    sign_in(browser, owner.email, owner.password)
    page = browser.get("/dashboard/payments")
    assert intent_id in page.text
    assert "$25.99" in page.text
    assert "Visa •••• 4242" in page.text
    assert "4242424242424242" not in page.text


def test_a_double_submitted_refund_refunds_once(
    browser: TestClient, owner: Owner, shop: Shop
) -> None:
    intent_id = paid(shop)
    sign_in(browser, owner.email, owner.password)
    confirm = browser.get(f"/dashboard/payments/{intent_id}/refund")
    assert "Refund <strong>$25.99</strong>" in confirm.text
    form = {
        "csrf_token": token(confirm.text),
        "idempotency_key": token(confirm.text, "idempotency_key"),
    }

    first = browser.post(f"/dashboard/payments/{intent_id}/refund", data=form)
    second = browser.post(f"/dashboard/payments/{intent_id}/refund", data=form)

    assert first.status_code == second.status_code == 303
    refunds = shop.get("/v1/refunds", payment_intent=intent_id)["data"]
    assert [r["amount"] for r in refunds] == [2599]
    listed = browser.get(first.headers["location"])
    assert "Refunded $25.99 of" in listed.text
    assert "refunded" in listed.text


def test_a_refund_without_the_forms_token_refunds_nothing(
    browser: TestClient, owner: Owner, shop: Shop
) -> None:
    intent_id = paid(shop)
    sign_in(browser, owner.email, owner.password)
    answer = browser.post(
        f"/dashboard/payments/{intent_id}/refund", data={"idempotency_key": "forged"}
    )
    assert answer.status_code == 403
    assert "nothing was done" in answer.text
    assert shop.get("/v1/refunds", payment_intent=intent_id)["data"] == []


def test_a_second_refund_of_a_refunded_payment_is_explained(
    browser: TestClient, owner: Owner, shop: Shop
) -> None:
    intent_id = paid(shop)
    sign_in(browser, owner.email, owner.password)
    pages = [browser.get(f"/dashboard/payments/{intent_id}/refund") for _ in range(2)]
    for page in pages:  # two tabs, each confirmed: two keys
        answer = browser.post(
            f"/dashboard/payments/{intent_id}/refund",
            data={
                "csrf_token": token(page.text),
                "idempotency_key": token(page.text, "idempotency_key"),
            },
        )
    assert answer.status_code == 400
    assert "has already been refunded" in answer.text
    assert len(shop.get("/v1/refunds", payment_intent=intent_id)["data"]) == 1


def test_another_merchants_payment_cannot_be_refunded(
    browser: TestClient, owner: Owner, shop: Shop, other_shop: Shop
) -> None:
    intent_id = paid(other_shop)
    sign_in(browser, owner.email, owner.password)
    assert browser.get(f"/dashboard/payments/{intent_id}/refund").status_code == 404
