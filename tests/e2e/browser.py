"""Debian's Chromium for the browser tests, and screenshots a person can look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from logscan import TEST_OUTPUT

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = TEST_OUTPUT / "screenshots"


def shot(page: Any, name: str) -> Path:
    """Save a screenshot of ``page`` and return where."""
    folder: Path = page.screenshots
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{len(list(folder.iterdir())):02d}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
