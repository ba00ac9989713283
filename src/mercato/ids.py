"""Identifiers made by the writer, not by the database.

UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 bits that are random at
each new millisecond and count up within one (the RFC's "monotonic random" method), so ids
made by one process always sort in the order they were made. Indexes stay append-mostly,
any process can make ids without asking a sequence, and inserts stay batchable.

The time in an id is the wall clock's, not the sandbox clock's: ids order creation, they
do not record business time (that is ``occurred_at``).
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_RANDOM_BITS = 74
_lock = threading.Lock()
_last_millis = -1
_last_random = 0


def uuid7() -> uuid.UUID:
    """A new time-ordered UUID (version 7, RFC 9562 variant), later than the last one made."""
    global _last_millis, _last_random  # noqa: PLW0603 -- the generator's state, behind a lock
    with _lock:
        millis = time.time_ns() // 1_000_000
        if millis > _last_millis:
            _last_millis = millis
            _last_random = int.from_bytes(os.urandom(10), "big") >> (80 - _RANDOM_BITS) >> 1
        else:
            # Same millisecond (or the clock stepped back): count up from the last id.
            _last_random += 1
            if _last_random >> _RANDOM_BITS:
                _last_millis += 1
                _last_random = 0
        millis, rand = _last_millis, _last_random
    rand_a, rand_b = rand >> 62, rand & ((1 << 62) - 1)
    value = (millis & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)
