"""Frames come out whole however TCP cuts the bytes, and a broken stream is recognised."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.network import FrameTooLarge, TruncatedFrame
from mercato.network.framing import MAX_FRAME_SIZE, frame, read_frame


async def read_all(chunks: list[bytes]) -> list[bytes]:
    """Every frame in ``chunks``, fed to a stream reader one chunk at a time."""
    reader = asyncio.StreamReader()

    async def feed() -> None:
        for chunk in chunks:
            reader.feed_data(chunk)
            await asyncio.sleep(0)  # let the reader see a partial frame
        reader.feed_eof()

    feeding = asyncio.create_task(feed())
    frames = []
    while (message := await read_frame(reader)) is not None:
        frames.append(message)
    await feeding
    return frames


@given(
    messages=st.lists(st.binary(max_size=300), max_size=5),
    cuts=st.lists(st.integers(0, 1600), max_size=8),
)
def test_frames_come_out_whole_however_the_stream_is_cut(
    messages: list[bytes], cuts: list[int]
) -> None:
    stream = b"".join(frame(message) for message in messages)
    points = sorted({0, len(stream), *(cut for cut in cuts if cut < len(stream))})
    chunks = [stream[a:b] for a, b in itertools.pairwise(points)]
    assert asyncio.run(read_all(chunks)) == messages


def test_the_length_prefix_is_two_bytes_big_endian() -> None:
    assert frame(b"x" * 267)[:2] == b"\x01\x0b"


def test_an_oversized_length_is_refused_before_its_bytes_are_read() -> None:
    too_large = (MAX_FRAME_SIZE + 1).to_bytes(2, "big")
    with pytest.raises(FrameTooLarge):
        asyncio.run(read_all([too_large]))
    with pytest.raises(FrameTooLarge):
        frame(b"x" * (MAX_FRAME_SIZE + 1))


@pytest.mark.parametrize("stream", [b"\x00", b"\x00\x10half a frame"])
def test_a_stream_that_ends_inside_a_frame_is_truncated(stream: bytes) -> None:
    with pytest.raises(TruncatedFrame):
        asyncio.run(read_all([stream]))
