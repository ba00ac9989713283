"""Which events an endpoint is sent, and which endpoints Mercato accepts."""

from __future__ import annotations

import pytest

from mercato.gateway.errors import InvalidRequest
from mercato.gateway.events import wants
from mercato.gateway.webhooks import checked_events, checked_url


def test_an_endpoint_wanting_everything_is_sent_every_event() -> None:
    assert wants(["*"], "charge.succeeded")
    assert wants(["charge.failed", "*"], "payout.paid")


def test_an_endpoint_is_sent_only_the_types_it_names() -> None:
    assert wants(["charge.succeeded", "charge.failed"], "charge.failed")
    assert not wants(["charge.succeeded"], "charge.failed")
    assert not wants(["charge.succeeded"], "charge.succeeded.extra")
    assert not wants(["charge"], "charge.succeeded")


def test_enabled_events_are_kept_in_order_each_once() -> None:
    assert checked_events(["charge.failed", "*", "charge.failed"]) == ["charge.failed", "*"]


@pytest.mark.parametrize("names", [[], ["charge"], ["Charge.Failed"], ["charge.*"], [""]])
def test_enabled_events_must_be_event_types_or_a_star(names: list[str]) -> None:
    with pytest.raises(InvalidRequest):
        checked_events(names)


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example/hooks",
        "http://127.0.0.1:8000/stripe/webhook?source=mercato",
        "https://[::1]:8443/hooks",
    ],
)
def test_http_and_https_urls_are_accepted(url: str) -> None:
    assert checked_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "ftp://shop.example/hooks",
        "javascript:alert(1)",
        "https://user@shop.example/hooks",
        "https://user:password@shop.example/hooks",
        "https://shop.example:notaport/hooks",
        "https://shop.example/\nhooks",
        "shop.example/hooks",
        "",
    ],
)
def test_other_urls_and_urls_with_credentials_are_refused(url: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        checked_url(url)
    assert refused.value.param == "url"
