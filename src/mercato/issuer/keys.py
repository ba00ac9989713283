"""Where the bank's master secret comes from: a key file of its own in the data directory
(beside the vault's key file, ``keys/issuer-vault.json``).

The secret derives every card's CVC and signs every 3-D Secure result, so it is made once
(32 random bytes), kept readable by its owner only, and reused: a new secret would give
every card issued before it a new CVC. Settings have no field for it yet; a deployment that
wants it from configuration needs one (``issuer_secret``), like the vault's keys.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
from pathlib import Path

from mercato.issuer.domain.secrets import BankKeys
from mercato.settings import Settings

KEY_FILE = Path("keys") / "issuer-secret.key"


def generate() -> BankKeys:
    """A fresh secret, for tests and throwaway banks."""
    return BankKeys(secrets.token_bytes(32))


def from_settings(settings: Settings) -> BankKeys:
    """The bank's secret from ``<data dir>/keys/issuer-secret.key``, made on first use."""
    path = settings.data_dir / KEY_FILE
    if not path.exists():
        _create(path)
    return BankKeys(base64.b64decode(path.read_text().strip(), validate=True))


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    encoded = base64.b64encode(secrets.token_bytes(32))
    # O_EXCL: two processes starting at once must not each write a different secret.
    with contextlib.suppress(FileExistsError):
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(encoded + b"\n")
