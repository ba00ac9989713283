"""Identifiers made by the writer, not by the database.

UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. They sort by time,
so indexes stay append-mostly, and any process can make them without asking a sequence,
which keeps inserts batchable and lets the data be partitioned later.
"""

from __future__ import annotations

import os
import time
import uuid


def uuid7() -> uuid.UUID:
    """A new time-ordered UUID (version 7, variant RFC 4122)."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")  # 80 random bits, 74 of them used
    value = (millis & 0xFFFF_FFFF_FFFF) << 80 | rand
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # variant 10
    return uuid.UUID(int=value)
