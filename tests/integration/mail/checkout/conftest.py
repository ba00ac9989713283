"""Receipts of hosted-checkout payments: the checkout world of
``tests/integration/checkout`` (a shop, the hosted page, the bank on ISO 8583), on SQLite
and PostgreSQL, and the mailbox's SMTP server on a free port."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_CHECKOUT = Path(__file__).parents[2] / "checkout"
sys.path.insert(0, str(_CHECKOUT))
_spec = importlib.util.spec_from_file_location("checkout_fixtures", _CHECKOUT / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

app = _fixtures.app
issuer_url = _fixtures.issuer_url
bank = _fixtures.bank
bank_pages = _fixtures.bank_pages
wired_app = _fixtures.wired_app
shop = _fixtures.shop
