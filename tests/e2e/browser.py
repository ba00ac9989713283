"""Debian's Chromium for the browser tests, and screenshots a person can look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def shot(page: Any, name: str) -> Path:
    """Save a screenshot of ``page`` and return where."""
    folder: Path = page.screenshots
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{len(list(folder.iterdir())):02d}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
