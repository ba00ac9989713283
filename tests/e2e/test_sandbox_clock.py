"""The sandbox's one clock: the operator moves the demo's clock forward, with the API or the
command, and what falls due on the way happens, in order, in every party."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import httpx2 as httpx
import stripe
from running_demo import RunningDemo, mercato_env
from stripe_client import as_merchant


def mercato(demo: RunningDemo, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mercato", "--data-dir", demo.details["data_dir"], *arguments],
        capture_output=True,
        text=True,
        env=mercato_env(),
        timeout=120,
        check=False,
    )


def advance(demo: RunningDemo, key: str, **by: int) -> httpx.Response:
    with demo.client() as client:
        return client.post(
            f"{demo.details['api_base']}/v1/test_helpers/clock/advance",
            data={name: str(n) for name, n in by.items()},
            headers={"Authorization": f"Bearer {key}"},
            timeout=120,
        )


def test_eight_days_later_an_uncaptured_authorisation_has_expired_at_the_bank(
    demo: RunningDemo,
) -> None:
    with as_merchant(demo, demo.create_merchant("Slow Shop")):
        intent = stripe.PaymentIntent.create(
            amount=4_217,
            currency="usd",
            payment_method="pm_card_visa",
            capture_method="manual",
            confirm=True,
        )
    assert intent.status == "requires_capture"
    assert "$42.17" in mercato(demo, "issuer", "holds").stdout

    moved = advance(demo, demo.details["admin_key"], days=8)

    assert moved.status_code == 200, moved.text
    clock = moved.json()
    ahead = dt.datetime.fromtimestamp(clock["frozen_time"], dt.UTC) - dt.datetime.now(dt.UTC)
    assert ahead > dt.timedelta(days=8) - dt.timedelta(minutes=5)
    assert clock["steps"] == 8 * 24
    assert clock["duties"]["issuer.expire_holds"] >= 1
    assert "$42.17" not in mercato(demo, "issuer", "holds").stdout
    shown = mercato(demo, "clock", "show")
    assert "8 d 0 h" in shown.stdout, shown.stdout + shown.stderr
    verified = mercato(demo, "ledger", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_the_command_moves_the_same_clock_the_api_reads(demo: RunningDemo) -> None:
    moved = mercato(demo, "clock", "advance", "--hours", "3")
    assert moved.returncode == 0, moved.stderr
    assert "0 d 3 h" in moved.stdout
    with demo.client() as client:
        version = client.get(demo.details["health_url"])
    assert version.status_code == 200
    assert "0 d 3 h" in mercato(demo, "clock", "show").stdout


def test_only_the_operator_moves_the_clock(demo: RunningDemo) -> None:
    refused = advance(demo, demo.details["secret_key"], days=1)
    assert refused.status_code == 403
    assert refused.json()["error"]["type"] == "invalid_request_error"
    assert "0 d 0 h" in mercato(demo, "clock", "show").stdout
    nothing = advance(demo, demo.details["admin_key"])
    assert nothing.status_code == 400
    assert mercato(demo, "clock", "advance").returncode != 0
