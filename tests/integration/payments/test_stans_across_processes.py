"""Several API processes talk to the issuer for one acquirer: each takes its STANs (field 11)
a block at a time from the platform's database, so no two of them send the same STAN, which
the issuer would refuse as a duplicate (94) when both fall in the same second."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from sqlalchemy.engine import Engine

from mercato.database.engine import create_engine
from mercato.network.client import MAX_STAN, NetworkClient
from mercato.processor import records

BLOCKS_EACH = 60


def _take_blocks(url: str) -> list[tuple[int, int]]:
    engine = create_engine(url)
    try:
        taken = [records.reserve_stans(engine) for _ in range(BLOCKS_EACH)]
    finally:
        engine.dispose()
    return [(block.start, block.stop) for block in taken]


def test_processes_taking_stans_at_once_never_share_one(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    with ProcessPoolExecutor(3, mp_context=multiprocessing.get_context("spawn")) as pool:
        blocks = [block for taken in pool.map(_take_blocks, [url] * 3) for block in taken]
    stans = [stan for start, stop in blocks for stan in range(start, stop)]
    assert len(blocks) == 3 * BLOCKS_EACH
    assert len(set(stans)) == len(stans), "a STAN was handed to two processes"
    assert all(1 <= stan <= MAX_STAN for stan in stans)
    assert {stop - start for start, stop in blocks} == {records.STAN_BLOCK}


def test_the_blocks_come_round_again_after_the_last(engine: Engine) -> None:
    first = records.reserve_stans(engine)
    for _ in range(998):
        last = records.reserve_stans(engine)
    assert last.stop - 1 <= MAX_STAN
    assert records.reserve_stans(engine) == first


def test_a_client_takes_its_next_block_when_one_runs_out(engine: Engine) -> None:
    client = NetworkClient("127.0.0.1", 9, stans=lambda: records.reserve_stans(engine))
    try:
        sent = [client.next_stan() for _ in range(records.STAN_BLOCK + 5)]
    finally:
        client.close()
    assert sent[: records.STAN_BLOCK] == list(range(1, records.STAN_BLOCK + 1))
    assert sent[records.STAN_BLOCK :] == list(range(records.STAN_BLOCK + 1, records.STAN_BLOCK + 6))
