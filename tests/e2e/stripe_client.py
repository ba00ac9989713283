"""The official ``stripe`` package pointed at a running demo, for one merchant."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import stripe
from running_demo import RunningDemo


@contextmanager
def as_merchant(demo: RunningDemo, made: dict[str, str]) -> Iterator[dict[str, str]]:
    """Point the stripe package at ``demo`` with ``made``'s secret key, then restore it."""
    saved = (stripe.api_base, stripe.api_key, stripe.ca_bundle_path, stripe.max_network_retries)
    stripe.api_base = demo.details["api_base"]
    stripe.api_key = made["secret_key"]
    stripe.ca_bundle_path = demo.details["ca_cert"]
    stripe.max_network_retries = 0
    stripe.default_http_client = None
    try:
        yield made
    finally:
        stripe.api_base, stripe.api_key, stripe.ca_bundle_path, stripe.max_network_retries = saved
        stripe.default_http_client = None
