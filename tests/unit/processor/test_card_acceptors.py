"""Merchants as the card network knows them: ids and names that fit the message."""

from __future__ import annotations

import datetime as dt

from mercato.network import spec
from mercato.processor.acceptors import candidate_mid, network_name
from mercato.processor.records import new_rrn


def test_a_merchant_id_is_fifteen_characters_and_the_same_each_time() -> None:
    mid = candidate_mid("acct_0123456789")
    assert mid == candidate_mid("acct_0123456789")
    assert len(mid) == 15
    assert mid.startswith("MERC")
    assert spec.MERCHANT_ID.accepts(mid)
    assert candidate_mid("acct_0123456789", 1) != mid


def test_a_name_becomes_printable_ascii_of_at_most_forty_characters() -> None:
    assert network_name("Café Zoë") == "Cafe Zoe"
    assert network_name("  Corner   Bakery  ") == "Corner Bakery"
    long = network_name("The Extraordinarily Long Name of a Small Shop Somewhere")
    assert len(long) <= 40
    assert not long.endswith(" ")
    assert spec.MERCHANT_NAME.accepts(long)
    assert network_name("東京") == "Mercato merchant"


def test_a_retrieval_reference_number_is_twelve_letters_and_digits() -> None:
    now = dt.datetime(2026, 3, 14, 15, 9, 26, tzinfo=dt.UTC)
    rrns = {new_rrn(now) for _ in range(1000)}
    assert len(rrns) == 1000
    assert all(spec.RRN.accepts(rrn) and rrn.startswith("6073") for rrn in rrns)
