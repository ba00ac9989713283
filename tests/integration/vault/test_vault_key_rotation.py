"""Rotating the master key re-wraps data keys online; no card is ever lost or re-encrypted.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.database.engine import reading, writing
from mercato.settings import Party, Settings
from mercato.vault import (
    CardNumber,
    KeyFile,
    KeyRing,
    StoredCard,
    UnknownMasterKey,
    Vault,
    rotate,
)
from mercato.vault.tables import cards, data_keys


def numbers(start: int, count: int) -> list[CardNumber]:
    return [CardNumber.with_check_digit(f"4{n:014d}") for n in range(start, start + count)]


def store_each(
    engine: Engine, vault: Vault, batch: list[CardNumber]
) -> dict[CardNumber, StoredCard]:
    kept = {}
    for number in batch:
        with writing(engine) as connection:
            kept[number] = vault.store(connection, number)
    return kept


def wrapped_under(engine: Engine) -> dict[str, int]:
    with reading(engine) as connection:
        rows = connection.execute(
            sa.select(data_keys.c.master_key_id, sa.func.count()).group_by(
                data_keys.c.master_key_id
            )
        )
        return dict(rows.all())


def ciphertexts(engine: Engine) -> dict[object, bytes]:
    with reading(engine) as connection:
        return dict(connection.execute(sa.select(cards.c.id, cards.c.ciphertext)).all())


def assert_every_card_reveals(
    engine: Engine, vault: Vault, kept: dict[CardNumber, StoredCard]
) -> None:
    with reading(engine) as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(cards)).scalar() == len(
            kept
        )
        for number, card in kept.items():
            assert vault.reveal(connection, card.id) == number


def test_rotation_moves_every_data_key_to_the_new_master_key_and_the_old_one_can_go(
    engine: Engine, clock: ManualClock
) -> None:
    old_ring = KeyRing.generate()
    kept = store_each(engine, Vault(old_ring, clock, data_key_max_cards=3), numbers(0, 10))
    assert wrapped_under(engine) == {old_ring.current_id: 4}
    sealed_before = ciphertexts(engine)

    new_ring = old_ring.with_new_master_key()
    report = rotate(engine, new_ring, batch_size=3, clock=clock)

    assert (report.master_key_id, report.rewrapped, report.already_current) == (
        new_ring.current_id,
        4,
        0,
    )
    assert report.by_previous_key == {old_ring.current_id: 4}
    assert report.complete
    assert wrapped_under(engine) == {new_ring.current_id: 4}
    assert ciphertexts(engine) == sealed_before  # cards are never re-encrypted
    only_new = new_ring.without_master_key(old_ring.current_id)
    assert_every_card_reveals(engine, Vault(only_new, clock), kept)


def test_rotating_again_changes_nothing(engine: Engine, clock: ManualClock) -> None:
    ring = KeyRing.generate()
    store_each(engine, Vault(ring, clock, data_key_max_cards=2), numbers(0, 5))
    rotated = ring.with_new_master_key()
    rotate(engine, rotated)
    with reading(engine) as connection:
        wrapped = connection.execute(sa.select(data_keys.c.wrapped_key)).scalars().all()
    again = rotate(engine, rotated)
    assert (again.rewrapped, again.already_current, again.remaining) == (0, 3, 0)
    with reading(engine) as connection:
        assert connection.execute(sa.select(data_keys.c.wrapped_key)).scalars().all() == wrapped


def test_rotation_refuses_a_key_ring_that_lacks_a_master_key_in_use(
    engine: Engine, clock: ManualClock
) -> None:
    ring = KeyRing.generate()
    store_each(engine, Vault(ring, clock), numbers(0, 1))
    stranger = KeyRing.generate()
    with pytest.raises(UnknownMasterKey, match=ring.current_id):
        rotate(engine, stranger)
    assert wrapped_under(engine) == {ring.current_id: 1}


def test_rotation_while_another_thread_stores_and_reveals_cards_loses_nothing(
    engine: Engine, clock: ManualClock
) -> None:
    old_ring = KeyRing.generate()
    kept = store_each(engine, Vault(old_ring, clock, data_key_max_cards=2), numbers(0, 40))
    new_ring = old_ring.with_new_master_key()
    # A process restarted with the new ring stores and reveals while the rotation runs; each
    # data key seals two cards, so new data keys appear among the ones being re-wrapped.
    busy = Vault(new_ring, clock, data_key_max_cards=2)
    started = threading.Event()
    rotation_over = threading.Event()
    turn = threading.Semaphore(0)
    failures: list[BaseException] = []
    stored_meanwhile: dict[CardNumber, StoredCard] = {}

    def keep_storing() -> None:
        # One card, then one more each time the rotation finishes a batch (its turn), so
        # that the two interleave however busy the machine; the rest once it is over.
        try:
            for index, number in enumerate(numbers(1000, 40)):
                while index and not rotation_over.is_set() and not turn.acquire(timeout=0.05):
                    pass
                stored_meanwhile.update(store_each(engine, busy, [number]))
                with reading(engine) as connection:
                    early = kept[numbers(len(stored_meanwhile) % 40, 1)[0]]
                    assert busy.reveal(connection, early.id).last4 == early.last4
                started.set()
        except BaseException as error:
            failures.append(error)
            started.set()

    def between_batches(_done: int, _total: int) -> None:
        # Give the storer its turn and wait for its card before the next batch.
        seen = len(stored_meanwhile)
        turn.release()
        deadline = time.monotonic() + 10
        while len(stored_meanwhile) == seen and storer.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        interleaved.append(len(stored_meanwhile))

    interleaved: list[int] = []
    storer = threading.Thread(target=keep_storing)
    storer.start()
    started.wait(timeout=60)
    try:
        report = rotate(engine, new_ring, batch_size=2, clock=clock, progress=between_batches)
    finally:
        rotation_over.set()
    storer.join(timeout=120)

    assert not storer.is_alive()
    assert failures == []
    assert report.rewrapped == 20
    assert 0 < interleaved[0] < interleaved[-1], "the stores did not run during the rotation"
    assert report.complete
    assert wrapped_under(engine) == {new_ring.current_id: 40}
    only_new = new_ring.without_master_key(old_ring.current_id)
    assert_every_card_reveals(engine, Vault(only_new, clock), kept | stored_meanwhile)


def test_a_running_vault_picks_up_a_master_key_added_to_its_key_file(
    engine: Engine, clock: ManualClock, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path)
    running = Vault(KeyRing.from_settings(settings, Party.PLATFORM), clock)
    kept = store_each(engine, running, numbers(0, 2))

    rotated = KeyFile(tmp_path / "keys" / "platform-vault.json").add_master_key()
    rotate(engine, rotated)
    # A process started after the rotation reads the re-wrapped key...
    restarted = Vault(KeyRing.from_settings(settings, Party.PLATFORM), clock)
    assert_every_card_reveals(engine, restarted, kept)
    # ...and the one started before it wraps its next data key under the new master key.
    clock.advance(dt.timedelta(days=1))
    kept |= store_each(engine, running, numbers(2, 1))
    assert wrapped_under(engine) == {rotated.current_id: 2}
    assert_every_card_reveals(
        engine, Vault(KeyRing.from_settings(settings, Party.PLATFORM), clock), kept
    )
