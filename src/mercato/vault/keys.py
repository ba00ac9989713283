"""The vault's keys: master keys that wrap data keys, and the fingerprint key.

A ``KeyRing`` holds master keys by id, the first being current (it wraps every new data key;
the others only unwrap), and the HMAC key of card fingerprints. Every key is 32 bytes.

Where the keys come from:

* The platform, when ``MERCATO_VAULT_MASTER_KEYS`` and ``MERCATO_VAULT_FINGERPRINT_KEY`` are
  set: production, where a secret manager fills them in. The format is
  ``id:base64,id:base64`` (first is current) and ``base64``.
* Otherwise, and always for the issuing bank: a key file ``<data dir>/keys/<party>-vault.json``,
  made on first use with mode 0600 and reused. Losing it loses every stored card number.

Errors name the setting or file at fault, never any part of its value: a value without an id
would otherwise put the key itself in a log.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import hmac
import json
import os
import re
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from mercato.settings import Party, Settings
from mercato.vault.errors import KeyConfigurationError, MasterKeyInUse, UnknownMasterKey

KEY_BYTES = 32
"""AES-256 keys and the HMAC-SHA256 key alike."""

MASTER_KEYS_SETTING = "MERCATO_VAULT_MASTER_KEYS"
FINGERPRINT_KEY_SETTING = "MERCATO_VAULT_FINGERPRINT_KEY"
KEY_FILE_FORMAT = "mercato-vault-keys/1"

_KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def new_key_id() -> str:
    return f"mk_{secrets.token_hex(6)}"


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip().replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigurationError(f"{where} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise KeyConfigurationError(f"{where} must be {KEY_BYTES} bytes, base64-encoded")
    return key


class KeyRing:
    """Master keys by id (current first) and the fingerprint key. Immutable: rotation makes a
    new ring. ``source`` is the key file it was read from, if any, so a long-running process
    can pick up a key that ``mercato keys rotate`` added."""

    __slots__ = ("_fingerprint_key", "_master_keys", "source")

    def __init__(
        self,
        master_keys: Iterable[tuple[str, bytes]],
        fingerprint_key: bytes,
        *,
        source: Path | None = None,
    ) -> None:
        keys: dict[str, bytes] = {}
        for key_id, key in master_keys:
            if not _KEY_ID.fullmatch(key_id):
                raise KeyConfigurationError(
                    "a master key id is 1 to 64 letters, digits, '.', '_' or '-'"
                )
            if key_id in keys:
                raise KeyConfigurationError("a master key id appears twice")
            if len(key) != KEY_BYTES:
                raise KeyConfigurationError(f"a master key is not {KEY_BYTES} bytes")
            keys[key_id] = bytes(key)
        if not keys:
            raise KeyConfigurationError("a key ring needs at least one master key")
        if len(fingerprint_key) != KEY_BYTES:
            raise KeyConfigurationError(f"the fingerprint key is not {KEY_BYTES} bytes")
        self._master_keys = keys
        self._fingerprint_key = bytes(fingerprint_key)
        self.source = source

    @classmethod
    def generate(cls) -> KeyRing:
        """A ring of fresh random keys (tests; the first use of a key file)."""
        return cls([(new_key_id(), secrets.token_bytes(KEY_BYTES))], secrets.token_bytes(KEY_BYTES))

    @classmethod
    def parse(cls, master_keys: str, fingerprint_key: str) -> KeyRing:
        """A ring from the two settings' values (``id:base64,...`` and ``base64``)."""
        entries = []
        for position, entry in enumerate(master_keys.split(","), start=1):
            where = f"{MASTER_KEYS_SETTING} entry {position}"
            key_id, colon, encoded = entry.strip().partition(":")
            if not colon or not _KEY_ID.fullmatch(key_id):
                raise KeyConfigurationError(
                    f"{where} is not 'id:base64' (id: letters, digits, '.', '_', '-')"
                )
            entries.append((key_id, _decode_key(encoded, where)))
        if len({key_id for key_id, _ in entries}) != len(entries):
            raise KeyConfigurationError(f"{MASTER_KEYS_SETTING} names a key id twice")
        return cls(entries, _decode_key(fingerprint_key, FINGERPRINT_KEY_SETTING))

    @classmethod
    def from_settings(cls, settings: Settings, party: Party) -> KeyRing:
        """The party's keys: from the settings (platform only) or from its key file, made on
        first use."""
        if party is Party.PLATFORM:
            master = settings.vault_master_keys
            fingerprint = settings.vault_fingerprint_key
            if master is not None and fingerprint is not None:
                return cls.parse(master.get_secret_value(), fingerprint.get_secret_value())
            if master is not None or fingerprint is not None:
                # Half from settings, half from a file would tie the fingerprints to a file
                # that a second server does not have: equal numbers would stop matching.
                raise KeyConfigurationError(
                    f"set both {MASTER_KEYS_SETTING} and {FINGERPRINT_KEY_SETTING}, or neither"
                    " (then a key file in the data directory is used)"
                )
        return KeyFile(key_file_path(settings, party)).load_or_create()

    @property
    def current_id(self) -> str:
        """The id of the master key that wraps new data keys."""
        return next(iter(self._master_keys))

    @property
    def current_key(self) -> bytes:
        return self._master_keys[self.current_id]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._master_keys)

    @property
    def fingerprint_key(self) -> bytes:
        return self._fingerprint_key

    def master_key(self, key_id: str) -> bytes:
        try:
            return self._master_keys[key_id]
        except KeyError:
            raise UnknownMasterKey(f"master key {key_id} is not in the key ring") from None

    def with_new_master_key(self) -> KeyRing:
        """This ring with a fresh master key in front: it becomes current, the others stay to
        unwrap what they wrapped until rotation has re-wrapped it."""
        fresh = (new_key_id(), secrets.token_bytes(KEY_BYTES))
        return KeyRing(
            [fresh, *self._master_keys.items()], self._fingerprint_key, source=self.source
        )

    def without_master_key(self, key_id: str) -> KeyRing:
        """This ring without an old master key (once nothing is wrapped under it)."""
        self.master_key(key_id)
        if key_id == self.current_id:
            raise MasterKeyInUse(f"master key {key_id} is current and cannot be retired")
        return KeyRing(
            [(k, v) for k, v in self._master_keys.items() if k != key_id],
            self._fingerprint_key,
            source=self.source,
        )

    def __repr__(self) -> str:
        return f"KeyRing(master_keys={list(self._master_keys)}, current={self.current_id!r})"


def key_file_path(settings: Settings, party: Party) -> Path:
    return settings.data_dir / "keys" / f"{party.value}-vault.json"


def generate_master_key() -> str:
    """A new master key as ``id:base64``, for ``MERCATO_VAULT_MASTER_KEYS``."""
    return f"{new_key_id()}:{encode_key(secrets.token_bytes(KEY_BYTES))}"


def generate_fingerprint_key() -> str:
    """A new fingerprint key as base64, for ``MERCATO_VAULT_FINGERPRINT_KEY``."""
    return encode_key(secrets.token_bytes(KEY_BYTES))


class KeyFile:
    """A party's key file. Readers need no lock: every write replaces the file whole
    (write, fsync, rename). Writers (first use, rotation, retirement) take an exclusive lock on
    ``<file>.lock``, so two rotations at once cannot each drop the key the other added."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        return self.path.exists()

    def read(self) -> KeyRing:
        where = f"key file {self.path}"
        try:
            mode = self.path.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise KeyConfigurationError(
                    f"{where} can be read by other users (mode {stat.filemode(mode)});"
                    f" run: chmod 600 {self.path}"
                )
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeyConfigurationError(f"{where} does not exist") from None
        except (OSError, ValueError) as error:
            raise KeyConfigurationError(
                f"{where} cannot be read ({type(error).__name__})"
            ) from None
        return _ring_from_document(document, where, self.path)

    def load_or_create(self) -> KeyRing:
        if self.path.exists():
            return self.read()
        with self._locked():
            if self.path.exists():  # another process made it while we waited
                return self.read()
            self._write(KeyRing.generate())
            return self.read()

    def save(self, ring: KeyRing) -> None:
        """Write ``ring`` to the file, for example one made by ``with_new_master_key``.

        Refuses a ring that would drop a master key the file holds, or change its
        fingerprint key: data keys may still be wrapped under the one, and every stored
        fingerprint was made with the other. Keys leave only by ``retire_master_key``.
        """
        with self._locked():
            if self.path.exists():
                on_disk = self.read()
                if set(on_disk.ids) - set(ring.ids):
                    raise KeyConfigurationError(
                        f"saving this key ring would drop master keys from {self.path};"
                        " retire them one by one instead"
                    )
                if not hmac.compare_digest(on_disk.fingerprint_key, ring.fingerprint_key):
                    raise KeyConfigurationError(
                        f"saving this key ring would change the fingerprint key in {self.path}"
                    )
            self._write(ring)

    def add_master_key(self) -> KeyRing:
        """Put a fresh master key in front of the file's keys; returns the new ring."""
        with self._locked():
            ring = self.read().with_new_master_key()
            self._write(ring)
            return ring

    def retire_master_key(self, key_id: str) -> KeyRing:
        """Remove an old master key from the file; returns the new ring. The caller checks
        first that no data key is wrapped under it."""
        with self._locked():
            ring = self.read().without_master_key(key_id)
            self._write(ring)
            return ring

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # releases the lock

    def _write(self, ring: KeyRing) -> None:
        document = {
            "format": KEY_FILE_FORMAT,
            "warning": "Losing this file loses every card number the vault stores. Back it up;"
            " never commit it.",
            "master_keys": [
                {"id": key_id, "key": encode_key(ring.master_key(key_id))} for key_id in ring.ids
            ],
            "fingerprint_key": encode_key(ring.fingerprint_key),
        }
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(descriptor, 0o600)  # whatever the umask
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                json.dump(document, file, indent=2)
                file.write("\n")
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a crash
        finally:
            os.close(directory)


def _ring_from_document(document: Any, where: str, source: Path) -> KeyRing:
    if not isinstance(document, dict) or document.get("format") != KEY_FILE_FORMAT:
        raise KeyConfigurationError(f"{where} is not a {KEY_FILE_FORMAT} key file")
    entries = document.get("master_keys")
    if not isinstance(entries, list) or not entries:
        raise KeyConfigurationError(f"{where} has no master keys")
    keys = []
    for position, entry in enumerate(entries, start=1):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("id"), str)
            and isinstance(entry.get("key"), str)
        ):
            raise KeyConfigurationError(f"{where}: master key {position} needs an id and a key")
        keys.append((entry["id"], _decode_key(entry["key"], f"{where}: master key {position}")))
    fingerprint = document.get("fingerprint_key")
    if not isinstance(fingerprint, str):
        raise KeyConfigurationError(f"{where} has no fingerprint key")
    return KeyRing(keys, _decode_key(fingerprint, f"{where}: fingerprint key"), source=source)
