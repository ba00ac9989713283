"""Fixtures of the end-to-end tests: a running demo, over HTTPS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from running_demo import RunningDemo

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


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


@pytest.fixture
def browser_page(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page of Debian's Chromium, headless, driven by Playwright; ``shot(page, name)``
    saves a screenshot under test-output/screenshots/<test>/ for a person to look at."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (make test installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        # The demo's certificate is checked by every other client with its CA; the browser
        # is here to drive pages, so it accepts it as a person would after clicking through.
        context = browser.new_context(
            ignore_https_errors=True, viewport={"width": 1100, "height": 800}
        )
        page = context.new_page()
        page.screenshots = SCREENSHOTS / request.node.name  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()
            browser.close()


def shot(page: Any, name: str) -> Path:
    """Save a screenshot of ``page`` and return where."""
    folder: Path = page.screenshots
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{len(list(folder.iterdir())):02d}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
