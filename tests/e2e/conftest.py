"""Fixtures of the end-to-end tests: a running demo, over HTTPS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from running_demo import RunningDemo


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[RunningDemo]:
    running = RunningDemo(tmp_path)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def shared_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    """One demo for a whole module whose tests each make their own merchant."""
    running = RunningDemo(tmp_path_factory.mktemp("demo"))
    try:
        yield running
    finally:
        running.stop()
