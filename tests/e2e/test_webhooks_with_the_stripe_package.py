"""The official ``stripe`` package, unchanged, against the running demo: webhook endpoints,
events, and their delivery by the demo's worker to a receiver that verifies each one."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest
import stripe
from running_demo import RunningDemo
from stripe_client import as_merchant


@pytest.fixture
def merchant(shared_demo: RunningDemo) -> Iterator[dict[str, str]]:
    """A merchant of the demo, and the stripe package pointed at the demo with its key."""
    made = shared_demo.create_merchant("Tea & Biscuits Ltd", country="GB", currency="gbp")
    with as_merchant(shared_demo, made):
        yield made


def test_the_demo_delivers_a_signed_event_the_merchant_can_verify(
    merchant: dict[str, str], receiver: tuple[str, queue.Queue[tuple[bytes, str]]]
) -> None:
    url, received = receiver
    endpoint = stripe.WebhookEndpoint.create(url=url, enabled_events=["customer.created"])
    customer = stripe.Customer.create(email="ada@example.com")
    stripe.Customer.modify(customer.id, name="Ada")  # customer.updated: not subscribed
    body, signature = received.get(timeout=30)
    event = stripe.Webhook.construct_event(body, signature, endpoint.secret)
    assert event.type == "customer.created"
    assert event.data.object.id == customer.id
    assert stripe.Event.retrieve(event.id).type == "customer.created"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, signature, "whsec_someone_else")
    with pytest.raises(queue.Empty):
        received.get(timeout=3)


def test_a_merchant_registers_an_endpoint_and_keeps_its_signing_secret(
    merchant: dict[str, str],
) -> None:
    endpoint = stripe.WebhookEndpoint.create(
        url="https://shop.example/stripe/webhooks",
        enabled_events=["payment_intent.succeeded", "charge.refunded"],
        description="orders",
        metadata={"team": "ops"},
    )
    assert endpoint.id.startswith("we_")
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.status == "enabled"
    fetched = stripe.WebhookEndpoint.retrieve(endpoint.id)
    assert fetched.enabled_events == ["payment_intent.succeeded", "charge.refunded"]
    assert (fetched.description, fetched.metadata["team"]) == ("orders", "ops")
    assert "secret" not in fetched


def test_an_endpoint_is_disabled_listed_and_deleted(merchant: dict[str, str]) -> None:
    kept = stripe.WebhookEndpoint.create(url="https://shop.example/a", enabled_events=["*"])
    paused = stripe.WebhookEndpoint.create(url="https://shop.example/b", enabled_events=["*"])
    assert stripe.WebhookEndpoint.modify(paused.id, disabled=True).status == "disabled"
    listed = stripe.WebhookEndpoint.list(limit=10)
    assert [e.id for e in listed.data] == [paused.id, kept.id]
    assert stripe.WebhookEndpoint.delete(paused.id).deleted is True
    assert [e.id for e in stripe.WebhookEndpoint.list().data] == [kept.id]
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe.WebhookEndpoint.retrieve(paused.id)
    assert refused.value.http_status == 404


def test_an_endpoint_url_with_credentials_is_refused(merchant: dict[str, str]) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe.WebhookEndpoint.create(
            url="https://user:secret@shop.example/hooks", enabled_events=["*"]
        )
    assert refused.value.param == "url"


def test_another_merchants_endpoint_does_not_exist_for_me(
    shared_demo: RunningDemo, merchant: dict[str, str]
) -> None:
    mine = stripe.WebhookEndpoint.create(url="https://shop.example/a", enabled_events=["*"])
    other = shared_demo.create_merchant("Someone Else Inc")
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe.WebhookEndpoint.retrieve(mine.id, api_key=other["secret_key"])
    assert (refused.value.http_status, refused.value.code) == (404, "resource_missing")


def test_events_are_listed_and_an_unknown_one_is_missing(merchant: dict[str, str]) -> None:
    assert stripe.Event.list(type="charge.*", created={"gte": 0}).data == []
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe.Event.retrieve("evt_doesnotexist")
    assert refused.value.http_status == 404
