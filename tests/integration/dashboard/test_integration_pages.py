"""The owner's integration pages: webhook endpoints added and deleted, a new secret key
shown once, the catalog listed; and the headers every page is served with."""

from __future__ import annotations

import re

from dashboard_world import Owner, sign_in, token
from fastapi.testclient import TestClient

from payments_world import Shop


def test_the_owner_adds_and_deletes_a_webhook_endpoint(
    browser: TestClient, owner: Owner, shop: Shop
) -> None:
    sign_in(browser, owner.email, owner.password)
    page = browser.get("/dashboard/webhooks")
    added = browser.post(
        "/dashboard/webhooks",
        data={
            "csrf_token": token(page.text),
            "url": "https://bakery.test/hooks",
            "events": "charge.succeeded charge.refunded",
        },
    )
    assert added.status_code == 200
    assert "whsec_" in added.text
    [endpoint] = shop.get("/v1/webhook_endpoints")["data"]
    assert endpoint["enabled_events"] == ["charge.succeeded", "charge.refunded"]

    deleted = browser.post(
        f"/dashboard/webhooks/{endpoint['id']}/delete", data={"csrf_token": token(added.text)}
    )
    assert deleted.status_code == 303
    assert shop.get("/v1/webhook_endpoints")["data"] == []


def test_a_bad_endpoint_url_is_explained(browser: TestClient, owner: Owner) -> None:
    sign_in(browser, owner.email, owner.password)
    page = browser.get("/dashboard/webhooks")
    answer = browser.post(
        "/dashboard/webhooks",
        data={"csrf_token": token(page.text), "url": "ftp://nope", "events": "*"},
    )
    assert answer.status_code == 400
    assert "Invalid URL" in answer.text


def test_a_new_secret_key_is_shown_once_and_works(
    browser: TestClient, owner: Owner, app_client: TestClient
) -> None:
    sign_in(browser, owner.email, owner.password)
    page = browser.get("/dashboard/keys")
    assert "sk_test_••••" in page.text
    issued = browser.post("/dashboard/keys", data={"csrf_token": token(page.text)})
    found = re.search(r"sk_test_[A-Za-z0-9]{20,}", issued.text)
    assert found is not None
    key = found.group(0)
    answer = app_client.get("/v1/customers", headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200
    assert key not in browser.get("/dashboard/keys").text


def test_products_and_payouts_are_listed(browser: TestClient, owner: Owner, shop: Shop) -> None:
    status, product = shop.post(
        "/v1/products",
        name="Sourdough loaf",
        default_price_data={"currency": "usd", "unit_amount": 650},
    )
    assert status == 200, product
    sign_in(browser, owner.email, owner.password)
    page = browser.get("/dashboard/products")
    assert "Sourdough loaf" in page.text
    assert "$6.50" in page.text
    assert browser.get("/dashboard/payouts").status_code == 200


def test_pages_are_served_with_security_headers(browser: TestClient, owner: Owner) -> None:
    page = browser.get("/dashboard/sign-in")
    assert page.headers["strict-transport-security"].startswith("max-age=")
    assert page.headers["x-content-type-options"] == "nosniff"
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert "form-action 'self'" in policy
    assert "<style" not in page.text
    assert "<script" not in page.text
    assert " style=" not in page.text


def test_the_hosted_checkout_keeps_its_own_policy(
    browser: TestClient, app_client: TestClient
) -> None:
    answer = browser.get("/pay/cs_missing")
    assert answer.status_code == 404
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert "form-action" not in answer.headers["content-security-policy"]
    api = app_client.get("/v1/health")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in api.headers  # plain HTTP: no HSTS
