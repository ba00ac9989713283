"""The secret that signs internet-banking sessions: a key file of the bank's own in the data
directory (``keys/bank-session.key``, mode 0600), made on first use. A new secret only signs
everyone out."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from mercato.settings import Settings

KEY_FILE = Path("keys") / "bank-session.key"


def session_secret(settings: Settings) -> bytes:
    path = settings.data_dir / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once must not each write a different secret.
        with contextlib.suppress(FileExistsError):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(32) + "\n")
    return path.read_text().strip().encode()
