"""Operators: made with ``mercato dashboard operator create`` (the password from stdin, never
an argument) or by the demo; they sign in to the settlement pages, and merchant pages are
not theirs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from dashboard_world import Owner, sign_in, token
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from logscan import keep_log
from mercato.clock import ManualClock, SystemClock
from mercato.dashboard import signin, users
from mercato.dashboard.errors import SignInRefused
from mercato.database.engine import create_engine, writing

PASSWORD = "a long operator password"


def _mercato(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERCATO_")}
    env.update(MERCATO_DATA_DIR=str(data_dir), COLUMNS="200")
    result = subprocess.run(
        [sys.executable, "-m", "mercato", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    keep_log("cli-operator", result.stdout + result.stderr)
    return result


def test_an_operator_is_made_with_a_password_read_from_stdin(tmp_path: Path) -> None:
    assert _mercato(tmp_path, "db", "upgrade").returncode == 0
    made = _mercato(
        tmp_path,
        *("dashboard", "operator", "create", "--email", "Ops@Platform.test"),
        *("--password-stdin", "--json"),
        stdin=PASSWORD + "\n",
    )
    assert made.returncode == 0, made.stderr
    assert '"role": "operator"' in made.stdout
    assert PASSWORD not in made.stdout + made.stderr

    again = _mercato(
        tmp_path,
        *("dashboard", "operator", "create", "--email", "ops@platform.test", "--password-stdin"),
        stdin=PASSWORD + "\n",
    )
    assert again.returncode == 1
    assert "exists already" in again.stderr
    short = _mercato(
        tmp_path,
        *("dashboard", "operator", "create", "--email", "two@platform.test", "--password-stdin"),
        stdin="short\n",
    )
    assert short.returncode == 1
    assert "12 characters" in short.stderr

    engine = create_engine(f"sqlite:///{tmp_path / 'platform.sqlite3'}")
    try:
        assert signin.sign_in(engine, SystemClock(), "ops@platform.test", PASSWORD)
    finally:
        engine.dispose()


def test_each_start_of_the_demo_gives_its_operator_a_new_password(
    engine: Engine, clock: ManualClock
) -> None:
    email, first = users.ensure_demo_operator(engine, clock)
    again, second = users.ensure_demo_operator(engine, clock)
    assert email == again == users.DEMO_OPERATOR_EMAIL
    assert first != second
    assert signin.sign_in(engine, clock, email, second)
    with pytest.raises(SignInRefused):
        signin.sign_in(engine, clock, email, first)


@pytest.fixture
def operator(engine: Engine, clock: ManualClock) -> Owner:
    with writing(engine) as connection:
        users.create_operator(connection, email="ops@platform.test", password=PASSWORD, clock=clock)
    return Owner("ops@platform.test", PASSWORD)


def test_an_operator_lands_on_the_settlement_pages_and_not_a_merchants(
    browser: TestClient, operator: Owner
) -> None:
    signed = sign_in(browser, operator.email, operator.password)
    assert signed.headers["location"] == "/dashboard/settlement/payout-files"
    page = browser.get("/dashboard/settlement/payout-files")
    assert page.status_code == 200
    assert "Mercato operations" in page.text
    for section in ("Settlement", "Payout files", "Clearing files", "Reconciliation"):
        assert section in page.text
    assert "No payout files yet." in page.text
    assert "API keys" not in page.text  # a merchant's sections are not an operator's

    # A merchant's page does not know the operator: on to the operator's own pages.
    for path in ("/dashboard/", "/dashboard/payments", "/dashboard/keys"):
        away = browser.get(path)
        assert away.headers["location"] == "/dashboard/sign-in", path
        assert browser.get("/dashboard/sign-in").headers["location"] == (
            "/dashboard/settlement/payout-files"
        )

    out = browser.post("/dashboard/sign-out", data={"csrf_token": token(page.text)})
    assert out.headers["location"] == "/dashboard/sign-in"
    assert browser.get("/dashboard/settlement/payout-files").headers["location"] == (
        "/dashboard/sign-in"
    )


def test_the_owner_still_lands_on_the_overview(browser: TestClient, owner: Owner) -> None:
    assert sign_in(browser, owner.email, owner.password).headers["location"] == "/dashboard/"
    assert "Settlement" not in browser.get("/dashboard/").text
