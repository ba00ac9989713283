"""The merchant dashboard in a real browser, against the running demo: a merchant and a
dashboard user made with the ``mercato`` command, a payment made with the official
``stripe`` package, and the owner signing in, finding the payment and refunding it. Every
page visited is photographed; any breach of the pages' Content-Security-Policy fails."""

from __future__ import annotations

from typing import Any

import stripe
from browser import shot
from running_demo import RunningDemo
from stripe_client import as_merchant


def test_the_owner_signs_in_and_refunds_a_payment(demo: RunningDemo, watched: Any) -> None:
    page = watched
    made = demo.create_merchant("Harbour Books")
    user = demo.dashboard_user(made["id"], "owner@harbour-books.test")
    with as_merchant(demo, made):
        intent = stripe.PaymentIntent.create(
            amount=4250,
            currency="usd",
            payment_method="pm_card_visa",
            confirm=True,
            description="Atlas of remote islands",
            receipt_email="reader@example.com",
        )
    assert intent.status == "succeeded"
    dashboard = demo.details["api_base"] + "/dashboard/"

    page.goto(dashboard)
    assert page.url.endswith("/dashboard/sign-in")
    page.get_by_label("E-mail").fill(user["email"])
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("That e-mail and password don't match.").wait_for()
    shot(page, "wrong-password")

    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Overview").wait_for()
    assert page.locator("svg.chart rect.bar").count() == 14
    shot(page, "overview")

    page.get_by_role("link", name="Payments").click()
    row = page.get_by_role("row").filter(has_text=intent.id)
    assert "$42.50" in row.inner_text()
    assert "succeeded" in row.inner_text()
    shot(page, "payments")

    row.get_by_role("link", name="Refund").click()
    page.get_by_text("Refund $42.50 of this $42.50 payment").wait_for()
    shot(page, "confirm-refund")
    page.get_by_role("button", name="Refund $42.50").click()
    page.get_by_text(f"Refunded $42.50 of {intent.id}.").wait_for()
    row = page.get_by_role("row").filter(has_text=intent.id)
    assert "refunded" in row.inner_text()
    assert row.get_by_role("link", name="Refund").count() == 0
    shot(page, "refunded")

    with as_merchant(demo, made):
        refunds = stripe.Refund.list(payment_intent=intent.id)
    assert [refund.amount for refund in refunds.data] == [4250]

    for name in ("Products", "Payouts", "Webhooks", "API keys", "Mailbox"):
        page.get_by_role("link", name=name, exact=True).click()
        page.get_by_role("heading", name=name, exact=True).wait_for()
        shot(page, name.lower().replace(" ", "-"))

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to your dashboard").wait_for()
    page.goto(dashboard + "payments")
    assert page.url.endswith("/dashboard/sign-in")
