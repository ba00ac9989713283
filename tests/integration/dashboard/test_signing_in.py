"""Signing in to the dashboard: a wrong password is told plainly, repeated failures are
slowed down, sessions end (signing out, or after eight hours), and forms without their
token are refused."""

from __future__ import annotations

import datetime as dt

from dashboard_world import Owner, sign_in, token
from fastapi.testclient import TestClient

from mercato.clock import ManualClock


def test_a_wrong_password_is_refused_with_a_plain_message(
    browser: TestClient, owner: Owner
) -> None:
    answer = sign_in(browser, owner.email, "not my password")
    assert answer.status_code == 401
    assert "That e-mail and password don&#39;t match." in answer.text
    assert browser.get("/dashboard/").headers["location"] == "/dashboard/sign-in"


def test_the_owner_signs_in_and_sees_the_overview(browser: TestClient, owner: Owner) -> None:
    answer = sign_in(browser, "  OWNER@bakery.test ", owner.password)
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "mercato_dashboard_session=" in cookie
    for attribute in ("Secure", "HttpOnly", "SameSite=lax", "Path=/dashboard"):
        assert attribute.lower() in cookie.lower()
    page = browser.get("/dashboard/")
    assert page.status_code == 200
    assert "Corner Bakery" in page.text
    assert "Payment volume, last 14 days" in page.text
    assert "<svg" in page.text


def test_repeated_failures_lock_the_address_for_a_while(
    browser: TestClient, owner: Owner, clock: ManualClock
) -> None:
    for _ in range(5):
        assert sign_in(browser, owner.email, "guess").status_code == 401
    locked = sign_in(browser, owner.email, owner.password)
    assert locked.status_code == 429
    assert "Too many failed sign-ins for this e-mail. Try again in 15 minutes." in locked.text

    clock.advance(dt.timedelta(minutes=15, seconds=1))
    assert sign_in(browser, owner.email, owner.password).status_code == 303


def test_a_sign_in_form_without_its_token_is_refused(browser: TestClient, owner: Owner) -> None:
    browser.get("/dashboard/sign-in")
    answer = browser.post(
        "/dashboard/sign-in", data={"email": owner.email, "password": owner.password}
    )
    assert answer.status_code == 403
    assert "mercato_dashboard_session" not in answer.headers.get("set-cookie", "")


def test_a_session_ends_after_eight_hours(
    browser: TestClient, owner: Owner, clock: ManualClock
) -> None:
    sign_in(browser, owner.email, owner.password)
    clock.advance(dt.timedelta(hours=7, minutes=59))
    assert browser.get("/dashboard/payments").status_code == 200
    clock.advance(dt.timedelta(minutes=2))
    gone = browser.get("/dashboard/payments")
    assert gone.status_code == 303
    assert gone.headers["location"] == "/dashboard/sign-in"


def test_signing_out_ends_the_session_for_good(
    browser: TestClient, owner: Owner, app_client: TestClient
) -> None:
    sign_in(browser, owner.email, owner.password)
    # Someone who copied the cookie is the owner, until the owner signs out.
    thief = TestClient(app_client.app, base_url="https://testserver", follow_redirects=False)
    thief.cookies.set(
        "mercato_dashboard_session", str(browser.cookies.get("mercato_dashboard_session"))
    )
    assert thief.get("/dashboard/").status_code == 200

    page = browser.get("/dashboard/")
    signed_out = browser.post("/dashboard/sign-out", data={"csrf_token": token(page.text)})
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/dashboard/sign-in"
    assert thief.get("/dashboard/").headers["location"] == "/dashboard/sign-in"
