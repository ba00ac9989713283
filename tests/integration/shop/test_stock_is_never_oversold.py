"""Stock changes are single conditional updates: customers racing for the last units each
get them or a refusal, and the shelf never goes below zero."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine

from mercato.database.engine import reading, writing
from mercato.shop import catalog, stock


def test_twenty_checkouts_racing_for_three_mugs_reserve_exactly_three(
    engine: Engine, shop_path: str
) -> None:
    with reading(engine) as connection:
        shop = catalog.find_shop(connection, shop_path.rsplit("/", 1)[1])
        [mug] = catalog.product(connection, shop, "titanium-camp-mug").variants

    def try_to_reserve(_: int) -> bool:
        with writing(engine) as connection:
            return stock.reserve(connection, mug.id, 1)

    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(try_to_reserve, range(20)))
    assert got.count(True) == 3
    with writing(engine) as connection:
        assert stock.available(connection, mug.id) == 0
        assert not stock.take(connection, mug.id, 1)
        stock.release(connection, mug.id, 1)
        assert stock.take(connection, mug.id, 1)
        assert not stock.set_on_hand(connection, mug.id, 1)  # two are still reserved
