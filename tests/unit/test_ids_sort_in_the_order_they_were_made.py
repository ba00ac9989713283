"""Ids made by one process sort in the order they were made, even within a millisecond."""

from __future__ import annotations

from mercato.ids import uuid7


def test_ids_made_in_a_burst_are_unique_and_in_order() -> None:
    ids = [uuid7() for _ in range(20_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_ids_are_version_7_uuids() -> None:
    made = uuid7()
    assert made.version == 7
    assert made.variant == "specified in RFC 4122"
