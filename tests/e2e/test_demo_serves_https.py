"""``mercato demo`` as a new user runs it: a real server, over HTTPS, on a real socket."""

from __future__ import annotations

from pathlib import Path

import httpx2 as httpx
import pytest
from running_demo import RunningDemo

from mercato import __version__


def test_the_demo_serves_health_and_version_over_https(demo: RunningDemo) -> None:
    assert demo.details["api_base"].startswith("https://localhost:")
    with demo.client() as client:
        health = client.get(demo.details["health_url"])
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        assert client.get(demo.details["version_url"]).json()["version"] == __version__
    assert demo.details["api_base"] in demo.stop()


def test_the_demo_certificate_is_refused_by_a_client_that_does_not_trust_it(
    demo: RunningDemo,
) -> None:
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(demo.details["health_url"], timeout=10)


def test_the_demo_writes_what_scripts_need(demo: RunningDemo) -> None:
    assert Path(demo.details["ca_cert"]).read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert demo.details["databases"]["platform"].startswith("sqlite:///")


def test_a_card_number_in_a_request_reaches_the_log_masked(demo: RunningDemo) -> None:
    with demo.client() as client:
        response = client.get(f"{demo.details['api_base']}/v1/cards/4242424242424242")
    assert response.status_code == 404
    output = demo.stop()
    assert "/v1/cards/****4242" in output  # the access log line is there ...
    assert "4242424242424242" not in output  # ... with the number masked


def test_the_demo_hands_scripts_a_merchant_and_its_keys(demo: RunningDemo) -> None:
    details = demo.details
    assert details["merchant_id"].startswith("acct_")
    assert details["secret_key"].startswith("sk_test_")
    assert details["publishable_key"].startswith("pk_test_")
    assert details["admin_key"].startswith("sk_admin_")
    with demo.client() as client:
        listed = client.get(f"{details['api_base']}/v1/customers", auth=(details["secret_key"], ""))
    assert listed.status_code == 200
    assert listed.json()["object"] == "list"


def test_the_issuing_bank_answers_on_its_own_port(demo: RunningDemo) -> None:
    from mercato.network.client import NetworkClient
    from mercato.network.messages import ManagementCode

    host, _, port = demo.details["issuer_address"].rpartition(":")
    with NetworkClient(host, int(port), timeout=5) as client:
        answer = client.network_management(ManagementCode.ECHO)
    assert answer.response_code == "00"
    with demo.client() as client:
        page = client.get(demo.details["issuer_3ds_url"] + "challenge/unknown")
    assert page.status_code == 404
