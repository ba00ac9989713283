"""Public ids in Stripe's style: a prefix naming the kind of object, then 22 characters.

The characters are a UUIDv7 (``mercato.ids``) in base 62, written with the alphabet in ASCII
order and at a fixed width, so ids of one kind sort as they were made, in the database and
in a list, as plain strings.
"""

from __future__ import annotations

import secrets
import string
import uuid

from mercato.ids import uuid7

ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase  # ASCII order
WIDTH = 22  # 62**22 > 2**128


def base62(value: int, width: int = WIDTH) -> str:
    digits = []
    for _ in range(width):
        value, digit = divmod(value, 62)
        digits.append(ALPHABET[digit])
    if value:
        raise ValueError("value too large for the width")
    return "".join(reversed(digits))


def new_id(prefix: str) -> str:
    """A new id such as ``pi_01a2B3...``: ``prefix``, an underscore, 22 sortable characters."""
    return f"{prefix}_{base62(uuid7().int)}"


def id_time_order(value: str) -> uuid.UUID:
    """The UUID behind a public id (for tests and tools)."""
    _, _, body = value.partition("_")
    number = 0
    for char in body:
        number = number * 62 + ALPHABET.index(char)
    return uuid.UUID(int=number)


def new_secret(prefix: str, length: int = 32) -> str:
    """A new secret such as an API key (``sk_test_...``): ``prefix`` then random characters."""
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))
