"""The clearing link's credential: the secret an acquirer shows an issuer with each clearing
file (``Authorization: Bearer <token>`` on ``POST /clearing/files``), so that nobody else
can present transactions to the issuer's books.

Production sets ``MERCATO_CLEARING_TOKEN`` to the same value for the platform and the
issuer. Unset, both read ``<data dir>/clearing-token``, which the first of them to need it
writes (random, mode 0600): what the demo and the sandbox use, every party on one data
directory.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
from pathlib import Path

from mercato.settings import Settings

TOKEN_FILE = "clearing-token"  # noqa: S105 -- the name of the file, not a secret


def clearing_token(settings: Settings) -> str:
    """The token of ``settings``, or the data directory's (made if missing)."""
    if settings.clearing_token is not None:
        return settings.clearing_token.get_secret_value()
    path = Path(settings.data_dir) / TOKEN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(32))
    token = path.read_text().strip()
    if not token:  # the other party is writing it this very moment
        raise RuntimeError(f"{path} is empty; try again")
    return token


def shown(authorization: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``token`` (compared in constant time)."""
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())
