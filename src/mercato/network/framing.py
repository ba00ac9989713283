"""Messages on a TCP stream: each one after a 2-byte big-endian length (of the message alone).

TCP delivers bytes, not messages: one read may return half a message or two and a half.
`read_frame` reads exactly one whole message, however the bytes arrive. A length above
`MAX_FRAME_SIZE` means the peer does not speak this protocol (the largest message of the spec
is well under it), and nothing after it can be trusted: the connection has to be closed.
"""

from __future__ import annotations

import asyncio

from mercato.network.errors import FrameTooLarge, TruncatedFrame

PREFIX_SIZE = 2
MAX_FRAME_SIZE = 4096


def frame(message: bytes) -> bytes:
    """``message`` with its length in front, ready to write."""
    if len(message) > MAX_FRAME_SIZE:
        raise FrameTooLarge(f"a message of {len(message)} bytes is above {MAX_FRAME_SIZE}")
    return len(message).to_bytes(PREFIX_SIZE, "big") + message


async def read_frame(reader: asyncio.StreamReader) -> bytes | None:
    """The next message, or ``None`` when the peer closed the connection between two.

    Raises `TruncatedFrame` when it closed in the middle of one, and `FrameTooLarge`.
    """
    try:
        prefix = await reader.readexactly(PREFIX_SIZE)
    except asyncio.IncompleteReadError as error:
        if not error.partial:
            return None
        raise TruncatedFrame("the connection closed inside a length prefix") from None
    size = int.from_bytes(prefix, "big")
    if size > MAX_FRAME_SIZE:
        raise FrameTooLarge(f"a frame of {size} bytes is above {MAX_FRAME_SIZE}")
    try:
        return await reader.readexactly(size)
    except asyncio.IncompleteReadError as error:
        raise TruncatedFrame(
            f"the connection closed after {len(error.partial)} of {size} bytes"
        ) from None
