"""The card vault: card numbers stored encrypted, found by fingerprint, revealed on purpose.

``Vault.store`` seals a number under a data key (AES-256-GCM, the card id as associated
data) and keeps the data key in the database wrapped under the current master key; see
``envelope`` and docs/adr/0007-card-vault-envelope-encryption.md. Each method works inside
the caller's database transaction, so storing a card commits or rolls back with the payment
method that refers to it. Writes expect a writing transaction (``database.engine.writing``)
at READ COMMITTED, as every Mercato writer uses.

Data keys. A vault makes a data key when it first seals a number, and uses it for up to
``data_key_max_cards`` numbers or ``data_key_lifetime``, whichever ends first; only then does
it make another. The unwrapped key lives in this process's memory only. A data key made in a
transaction becomes the vault's current key only once that transaction commits: a key whose
row was rolled back must never seal a number that is then committed without it.

The same number stored twice is one row: the fingerprint (a keyed HMAC of the digits) is
unique, and a concurrent second store waits for the first (PostgreSQL) or cannot run beside
it (SQLite's single writer), then finds its row.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, RowMapping

from mercato.clock import Clock, SystemClock
from mercato.ids import uuid7
from mercato.vault import envelope
from mercato.vault.errors import (
    CardError,
    CardNotFound,
    CardUnreadable,
    KeyConfigurationError,
    UnknownMasterKey,
)
from mercato.vault.keys import KeyFile, KeyRing
from mercato.vault.numbers import CardNumber
from mercato.vault.rotation import RotationReport, rotate
from mercato.vault.tables import cards, data_keys

__all__ = ["RotationReport", "StoredCard", "Vault", "rotate"]

DATA_KEY_LIFETIME = dt.timedelta(days=1)
DATA_KEY_MAX_CARDS = 10_000
"""A data key seals at most this many numbers: far below GCM's 2**32 random nonces, and it
bounds what one leaked data key exposes."""
UNWRAPPED_CACHE = 1024
"""Unwrapped data keys kept in memory for reveals (about one data key per process and day)."""

_FINGERPRINT = b"mercato.vault.fingerprint.v1:"
_PENDING = "mercato.vault.pending_data_keys"
"""Key in ``Connection.info``: data keys made in the open transaction, by vault."""


_SHOWN = (cards.c.id, cards.c.fingerprint, cards.c.last4, cards.c.bin, cards.c.brand)
"""The columns anyone may read: never the ciphertext or its data key."""


@dataclass(frozen=True, slots=True)
class StoredCard:
    """A card number in the vault, as anyone but the processor may see it."""

    id: uuid.UUID
    fingerprint: str
    last4: str
    bin: str
    brand: str


@dataclass(slots=True)
class _DataKey:
    id: uuid.UUID
    key: bytes = field(repr=False)
    created_at: dt.datetime
    sealed: int = 0


def _stored(row: RowMapping) -> StoredCard:
    return StoredCard(
        id=row["id"],
        fingerprint=row["fingerprint"],
        last4=row["last4"],
        bin=row["bin"],
        brand=row["brand"],
    )


class Vault:
    """One party's card vault. Thread-safe: share one per process."""

    def __init__(
        self,
        keyring: KeyRing,
        clock: Clock | None = None,
        *,
        data_key_lifetime: dt.timedelta = DATA_KEY_LIFETIME,
        data_key_max_cards: int = DATA_KEY_MAX_CARDS,
    ) -> None:
        self._keyring = keyring
        self.clock: Clock = clock or SystemClock()
        self.data_key_lifetime = data_key_lifetime
        self.data_key_max_cards = data_key_max_cards
        self._lock = threading.Lock()
        self._current: _DataKey | None = None
        self._unwrapped: OrderedDict[uuid.UUID, bytes] = OrderedDict()

    @property
    def keyring(self) -> KeyRing:
        return self._keyring

    def fingerprint(self, number: CardNumber) -> str:
        """16 url-safe characters, the same for the same number under this vault's fingerprint
        key, and useless to anyone without that key (a plain hash of a card number falls to
        brute force: the BIN and last four leave at most a million candidates)."""
        digest = hmac.new(
            self._keyring.fingerprint_key, _FINGERPRINT + number.digits.encode(), hashlib.sha256
        ).digest()
        return base64.urlsafe_b64encode(digest[:12]).decode("ascii")

    def store(self, connection: Connection, number: CardNumber) -> StoredCard:
        """Keep ``number``; a number already kept is found, not stored again."""
        fingerprint = self.fingerprint(number)
        found = self._one(connection, cards.c.fingerprint == fingerprint)
        if found is not None:
            return found
        card = StoredCard(uuid7(), fingerprint, number.last4, number.bin, number.brand)
        data_key = self._data_key_for_sealing(connection)
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(cards)
            .values(
                id=card.id,
                fingerprint=fingerprint,
                data_key_id=data_key.id,
                ciphertext=envelope.seal_number(data_key.key, card.id, number.digits),
                brand=card.brand,
                bin=card.bin,
                last4=card.last4,
                created_at=self.clock.now(),
            )
            .on_conflict_do_nothing(index_elements=["fingerprint"])
            .returning(cards.c.id)
        )
        try:
            inserted = connection.execute(statement).first()
        except sa.exc.IntegrityError:
            # Only the data key reference can fail here: the key this vault thought committed
            # is not in the database (its commit failed after all). Never use it again.
            self._forget(data_key)
            raise
        if inserted is not None:
            return card
        # Another transaction stored the same number first; it has committed by now.
        found = self._one(connection, cards.c.fingerprint == fingerprint)
        if found is None:  # pragma: no cover - the conflict says the row exists
            raise CardNotFound("a card stored concurrently cannot be read back")
        return found

    def find(self, connection: Connection, number: CardNumber) -> StoredCard | None:
        """The stored card with this number, if any, without decrypting anything."""
        return self._one(connection, cards.c.fingerprint == self.fingerprint(number))

    def get(self, connection: Connection, card_id: uuid.UUID) -> StoredCard:
        found = self._one(connection, cards.c.id == card_id)
        if found is None:
            raise CardNotFound(f"no card {card_id} in the vault")
        return found

    def reveal(self, connection: Connection, card_id: uuid.UUID) -> CardNumber:
        """The full number, decrypted: only for the message that goes to the card network."""
        row = (
            connection.execute(
                sa.select(cards.c.data_key_id, cards.c.ciphertext).where(cards.c.id == card_id)
            )
            .mappings()
            .one_or_none()
        )
        if row is None:
            raise CardNotFound(f"no card {card_id} in the vault")
        data_key = self._unwrapped_key(connection, row["data_key_id"])
        digits = envelope.open_number(data_key, card_id, row["ciphertext"])
        try:
            return CardNumber(digits)
        except CardError:  # pragma: no cover - authenticated, so it is what was sealed
            raise CardUnreadable(f"card {card_id} does not decrypt to a card number") from None

    def _one(self, connection: Connection, where: sa.ColumnElement[bool]) -> StoredCard | None:
        row = connection.execute(sa.select(*_SHOWN).where(where)).mappings().one_or_none()
        return None if row is None else _stored(row)

    # Data keys for sealing

    def _usable(self, key: _DataKey, now: dt.datetime) -> bool:
        return (
            key.sealed < self.data_key_max_cards and now - key.created_at < self.data_key_lifetime
        )

    def _data_key_for_sealing(self, connection: Connection) -> _DataKey:
        now = self.clock.now()
        pending: dict[Vault, tuple[Any, _DataKey]] = connection.info.setdefault(_PENDING, {})
        transaction = connection.get_transaction()
        made_here = pending.get(self)
        if (
            made_here is not None
            and made_here[0] is transaction
            and self._usable(made_here[1], now)
        ):
            made_here[1].sealed += 1
            return made_here[1]
        with self._lock:
            current = self._current
            if current is not None and self._usable(current, now):
                current.sealed += 1
                return current
        key = _DataKey(uuid7(), envelope.new_data_key(), now, sealed=1)
        keyring = self._reloaded_keyring()
        connection.execute(
            sa.insert(data_keys).values(
                id=key.id,
                master_key_id=keyring.current_id,
                wrapped_key=envelope.wrap(keyring.current_key, keyring.current_id, key.id, key.key),
                created_at=now,
            )
        )
        self._remember(key.id, key.key)
        pending[self] = (transaction, key)
        _adopt_on_commit(connection.engine)
        return key

    def _adopt(self, key: _DataKey) -> None:
        with self._lock:
            if self._current is None or not self._usable(self._current, self.clock.now()):
                self._current = key

    def _forget(self, key: _DataKey) -> None:
        with self._lock:
            if self._current is key:
                self._current = None

    # Data keys for opening

    def _remember(self, data_key_id: uuid.UUID, key: bytes) -> None:
        with self._lock:
            self._unwrapped[data_key_id] = key
            self._unwrapped.move_to_end(data_key_id)
            while len(self._unwrapped) > UNWRAPPED_CACHE:
                self._unwrapped.popitem(last=False)

    def _unwrapped_key(self, connection: Connection, data_key_id: uuid.UUID) -> bytes:
        with self._lock:
            key = self._unwrapped.get(data_key_id)
            if key is not None:
                self._unwrapped.move_to_end(data_key_id)
                return key
        row = (
            connection.execute(
                sa.select(data_keys.c.master_key_id, data_keys.c.wrapped_key).where(
                    data_keys.c.id == data_key_id
                )
            )
            .mappings()
            .one_or_none()
        )
        if row is None:
            raise CardUnreadable(f"data key {data_key_id} is missing from the vault")
        master_key_id = row["master_key_id"]
        try:
            master_key = self._keyring.master_key(master_key_id)
        except UnknownMasterKey:
            # Wrapped by a key that ``mercato keys rotate`` added after this process started?
            master_key = self._reloaded_keyring().master_key(master_key_id)
        key = envelope.unwrap(master_key, master_key_id, data_key_id, row["wrapped_key"])
        self._remember(data_key_id, key)
        return key

    def _reloaded_keyring(self) -> KeyRing:
        """The ring as its key file now says, if it came from one (so a key added by rotation
        wraps the next data key, and unwraps what rotation re-wrapped); else the same ring.
        A key file that has gone, or whose fingerprint key changed, stops the vault rather
        than let it seal numbers under keys nobody will be able to load again."""
        source = self._keyring.source
        if source is None:
            return self._keyring
        fresh = KeyFile(source).read()
        if not hmac.compare_digest(fresh.fingerprint_key, self._keyring.fingerprint_key):
            raise KeyConfigurationError(
                f"the fingerprint key in {source} changed while the vault was running"
            )
        self._keyring = fresh
        return fresh


def _on_commit(connection: Connection) -> None:
    for vault, (_transaction, key) in connection.info.pop(_PENDING, {}).items():
        vault._adopt(key)


def _on_rollback(connection: Connection) -> None:
    connection.info.pop(_PENDING, None)


def _on_rollback_savepoint(connection: Connection, _name: str, _context: Any) -> None:
    # The key's row may have gone with the savepoint; never adopt it. (Dropping one that
    # survived costs only a new data key later.)
    connection.info.pop(_PENDING, None)


def _adopt_on_commit(engine: Engine) -> None:
    """Install the commit and rollback listeners, once per engine."""
    if not event.contains(engine, "commit", _on_commit):
        event.listen(engine, "commit", _on_commit)
        event.listen(engine, "rollback", _on_rollback)
        event.listen(engine, "rollback_savepoint", _on_rollback_savepoint)
