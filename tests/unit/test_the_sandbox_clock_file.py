"""The sandbox's clock: every process of an installation reads the same time, and an
operator moves it forward, never back."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from mercato.clock import SANDBOX_CLOCK_FILE, SandboxClock, SystemClock, clock_for
from mercato.settings import Settings

TWO_DAYS = dt.timedelta(days=2)


def test_a_fresh_sandbox_clock_reads_the_wall_clock(tmp_path: Path) -> None:
    clock = SandboxClock(tmp_path / SANDBOX_CLOCK_FILE)
    wall = dt.datetime.now(dt.UTC)
    assert abs(clock.now() - wall) < dt.timedelta(seconds=5)
    assert clock.offset() == dt.timedelta(0)


def test_another_process_reading_the_same_file_sees_the_clock_moved(tmp_path: Path) -> None:
    ours, theirs = SandboxClock(tmp_path / "c.json"), SandboxClock(tmp_path / "c.json")
    theirs.offset()  # read once before the move: a cached reading must not linger
    ours.advance(TWO_DAYS)
    assert theirs.offset() == TWO_DAYS
    assert theirs.now() - dt.datetime.now(dt.UTC) > TWO_DAYS - dt.timedelta(seconds=5)


def test_advances_add_up_even_when_made_at_once(tmp_path: Path) -> None:
    path = tmp_path / "c.json"

    def hour() -> None:
        SandboxClock(path).advance(dt.timedelta(hours=1))

    movers = [threading.Thread(target=hour) for _ in range(24)]
    for mover in movers:
        mover.start()
    for mover in movers:
        mover.join()
    assert SandboxClock(path).offset() == dt.timedelta(days=1)


def test_the_clock_never_moves_back(tmp_path: Path) -> None:
    clock = SandboxClock(tmp_path / "c.json")
    clock.advance(TWO_DAYS)
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(-dt.timedelta(seconds=1))
    before = clock.offset()
    clock.advance_to(dt.datetime.now(dt.UTC))  # a moment already past changes nothing
    assert clock.offset() == before


def test_a_damaged_clock_file_is_named_not_read_as_zero(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="not a sandbox clock file"):
        SandboxClock(path).now()


def test_an_installation_is_a_sandbox_when_it_says_so_or_its_clock_file_exists(
    tmp_path: Path,
) -> None:
    assert isinstance(clock_for(Settings(data_dir=tmp_path)), SystemClock)
    assert isinstance(clock_for(Settings(data_dir=tmp_path, clock="sandbox")), SandboxClock)
    SandboxClock(tmp_path / SANDBOX_CLOCK_FILE).advance(dt.timedelta(0))
    assert isinstance(clock_for(Settings(data_dir=tmp_path)), SandboxClock)
