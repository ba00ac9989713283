"""Where a card's security code waits between the request that brought it and the
authorisation it is for: this process's memory, for a few minutes at most.

The CVC is never written to a database, a file or a log (PCI DSS forbids storing it after
authorisation, and Mercato never stores it at all). A code sent to one API process and
needed by another is simply not there: the authorisation then goes without it, and the
issuer answers as for a card presented without its code.
"""

from __future__ import annotations

import threading
import time

HELD_FOR_SECONDS = 600.0


class CvcHolder:
    """Security codes by payment method id, each taken once, gone after ten minutes."""

    def __init__(self, held_for: float = HELD_FOR_SECONDS) -> None:
        self._held_for = held_for
        self._codes: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def keep(self, payment_method_id: str, cvc: str) -> None:
        with self._lock:
            self._forget_old()
            self._codes[payment_method_id] = (cvc, time.monotonic() + self._held_for)

    def take(self, payment_method_id: str) -> str | None:
        """The code for this payment method, once; ``None`` if there is none (any more)."""
        with self._lock:
            self._forget_old()
            held = self._codes.pop(payment_method_id, None)
        return held[0] if held else None

    def _forget_old(self) -> None:
        now = time.monotonic()
        for key in [k for k, (_, until) in self._codes.items() if until < now]:
            del self._codes[key]

    def __repr__(self) -> str:
        return f"CvcHolder({len(self._codes)} held)"  # never the codes
