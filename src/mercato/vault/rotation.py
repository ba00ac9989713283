"""Master key rotation: every data key re-wrapped under the ring's current master key.

Card ciphertexts are never touched: a data key keeps its bytes, only its wrapping changes.
So a rotation costs one small update per data key (a few per day of operation), not one per
card, and it runs online:

* Each batch is its own short writing transaction. Stores and reveals go on between them
  (on SQLite they wait at most one batch for the write lock).
* A data key is re-wrapped with a compare-and-set (``WHERE master_key_id = <the one read>``),
  so a concurrent rotation, or a second run, never overwrites a newer wrapping with an older
  one. Reading the batch takes no lock.
* A store that makes a data key meanwhile wraps it under its own ring's current key. With
  the rotated ring that is already the new key. A process still running with an older ring
  wraps under the old key: the report counts such keys as ``remaining``, and running the
  rotation again (after that process has picked up the new key) moves them too.

Running it twice is harmless: the second run finds nothing to do.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato.clock import Clock, SystemClock
from mercato.database.engine import reading, writing
from mercato.vault import envelope
from mercato.vault.errors import CardUnreadable, UnknownMasterKey
from mercato.vault.keys import KeyRing
from mercato.vault.tables import data_keys

BATCH = 100

Progress = Callable[[int, int], None]
"""Called after each batch with (data keys looked at so far, data keys to look at)."""


@dataclass(frozen=True)
class RotationReport:
    """What a rotation did. ``remaining`` data keys were still under another master key when
    it finished (made meanwhile by a process with an older key ring: run it again)."""

    master_key_id: str
    rewrapped: int
    already_current: int
    remaining: int
    by_previous_key: dict[str, int] = field(default_factory=dict)
    unreadable: tuple[uuid.UUID, ...] = ()

    @property
    def complete(self) -> bool:
        """Every data key is now wrapped under the current master key."""
        return self.remaining == 0 and not self.unreadable


def wrapped_under(connection: Connection) -> dict[str, int]:
    """How many data keys each master key wraps."""
    rows = connection.execute(
        sa.select(data_keys.c.master_key_id, sa.func.count()).group_by(data_keys.c.master_key_id)
    )
    return {master_key_id: count for master_key_id, count in rows}


def rotate(
    engine: Engine,
    keyring: KeyRing,
    *,
    batch_size: int = BATCH,
    clock: Clock | None = None,
    progress: Progress | None = None,
) -> RotationReport:
    """Re-wrap every data key not under ``keyring``'s current master key.

    Refuses to start (``UnknownMasterKey``) if any data key is wrapped under a master key the
    ring lacks: the ring given must hold every old key still in use.
    """
    clock = clock or SystemClock()
    current = keyring.current_id
    with reading(engine) as connection:
        before = wrapped_under(connection)
    missing = sorted(set(before) - set(keyring.ids))
    if missing:
        raise UnknownMasterKey(
            f"data keys are wrapped under master keys the key ring lacks: {', '.join(missing)}"
        )
    to_do = sum(count for key_id, count in before.items() if key_id != current)
    done = 0
    moved: Counter[str] = Counter()
    unreadable: list[uuid.UUID] = []
    after: uuid.UUID | None = None
    while True:
        with writing(engine) as connection:
            batch = _next_batch(connection, current, after, batch_size)
            if not batch:
                break
            for data_key_id, old_id, wrapped in batch:
                try:
                    key = envelope.unwrap(keyring.master_key(old_id), old_id, data_key_id, wrapped)
                except (UnknownMasterKey, CardUnreadable):
                    unreadable.append(data_key_id)
                    continue
                changed = connection.execute(
                    sa.update(data_keys)
                    .where(data_keys.c.id == data_key_id, data_keys.c.master_key_id == old_id)
                    .values(
                        master_key_id=current,
                        wrapped_key=envelope.wrap(keyring.current_key, current, data_key_id, key),
                        rewrapped_at=clock.now(),
                    )
                ).rowcount
                if changed:
                    moved[old_id] += 1
            after = batch[-1][0]
        done += len(batch)
        if progress is not None:
            progress(done, max(to_do, done))
    with reading(engine) as connection:
        after_run = wrapped_under(connection)
    return RotationReport(
        master_key_id=current,
        rewrapped=sum(moved.values()),
        already_current=before.get(current, 0),
        remaining=sum(count for key_id, count in after_run.items() if key_id != current),
        by_previous_key=dict(moved),
        unreadable=tuple(unreadable),
    )


def _next_batch(
    connection: Connection, current: str, after: uuid.UUID | None, size: int
) -> list[tuple[uuid.UUID, str, bytes]]:
    query = (
        sa.select(data_keys.c.id, data_keys.c.master_key_id, data_keys.c.wrapped_key)
        .where(data_keys.c.master_key_id != current)
        .order_by(data_keys.c.id)
        .limit(size)
    )
    if after is not None:
        query = query.where(data_keys.c.id > after)
    return [(row.id, row.master_key_id, row.wrapped_key) for row in connection.execute(query)]
