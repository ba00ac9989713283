"""A card number that reaches a log line is written masked, whichever logger it came through."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import structlog

from mercato import logs


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """These tests configure logging onto pytest's captured stderr, which closes after each
    test: put logging back so later tests don't write to a closed stream."""
    yield
    structlog.reset_defaults()
    for handler in logging.getLogger().handlers[:]:
        logging.getLogger().removeHandler(handler)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("card 4242424242424242 declined", "card ****4242 declined"),
        ("pan=4000 0000 0000 0002", "pan=****0002"),
        ("amex 3782-822463-10005 ok", "amex ****0005 ok"),
        ("order 1234567890123 shipped", "order 1234567890123 shipped"),  # fails Luhn: not a card
        ("amount 4242", "amount 4242"),
    ],
)
def test_card_numbers_are_masked_to_their_last_four(text: str, shown: str) -> None:
    assert logs.mask_card_numbers(text) == shown


def test_structlog_events_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("INFO", "json")
    structlog.get_logger("test").info("authorising", pan="4242424242424242", amount=1000)
    err = capsys.readouterr().err
    assert "4242424242424242" not in err
    assert "****4242" in err


def test_standard_library_log_records_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("INFO", "console")
    logging.getLogger("uvicorn.error").warning("bad request body %s", "number=5555555555554444")
    err = capsys.readouterr().err
    assert "5555555555554444" not in err
    assert "****4444" in err
