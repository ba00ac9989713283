"""Receipts of hosted-checkout payments: the checkout world of
``tests/integration/checkout`` (a shop, the hosted page, the bank on ISO 8583), on SQLite
and PostgreSQL, and the mailbox's SMTP server on a free port."""

from __future__ import annotations

from checkout_fixtures import *  # noqa: F403 -- the shared fixtures, registered by this import
