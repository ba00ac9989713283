"""Public ids carry their kind and sort in the order they were made."""

from __future__ import annotations

from mercato.gateway.ids import id_time_order, new_id, new_secret


def test_ids_name_their_kind_and_sort_as_made() -> None:
    ids = [new_id("pi") for _ in range(5000)]
    assert all(i.startswith("pi_") and len(i) == 25 for i in ids)
    assert ids == sorted(ids)
    assert [id_time_order(i) for i in ids] == sorted(id_time_order(i) for i in ids)


def test_secrets_are_random_and_prefixed() -> None:
    keys = {new_secret("sk_test_") for _ in range(1000)}
    assert len(keys) == 1000
    assert all(k.startswith("sk_test_") and len(k) == 40 for k in keys)
