"""A webhook's signature is Stripe's, so the official package verifies it."""

from __future__ import annotations

import re
import time

import pytest
import stripe

from mercato.gateway.webhooks import signature_header

SECRET = "whsec_0123456789abcdefABCDEF0123456789"
BODY = b'{"id": "evt_1", "object": "event", "type": "customer.created"}'


def test_the_header_names_the_time_and_a_hex_hmac_sha256_of_time_dot_body() -> None:
    header = signature_header(BODY, SECRET, 1_790_000_000)
    assert re.fullmatch(r"t=1790000000,v1=[0-9a-f]{64}", header)
    # The digest of Stripe's scheme, worked out independently.
    assert header.endswith(
        "v1=" + stripe.WebhookSignature._compute_signature("1790000000." + BODY.decode(), SECRET)
    )


def test_the_stripe_package_accepts_a_fresh_signature() -> None:
    header = signature_header(BODY, SECRET, int(time.time()))
    event = stripe.Webhook.construct_event(BODY.decode(), header, SECRET)
    assert (event.id, event.type) == ("evt_1", "customer.created")


def test_the_stripe_package_refuses_a_changed_body_another_secret_or_an_old_time() -> None:
    now = int(time.time())
    header = signature_header(BODY, SECRET, now)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(BODY.decode().replace("evt_1", "evt_2"), header, SECRET)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(BODY.decode(), header, "whsec_someone_else")
    stale = signature_header(BODY, SECRET, now - 3600)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(BODY.decode(), stale, SECRET)
