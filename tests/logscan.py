"""What Mercato's processes printed during the suite, kept to be scanned for card numbers:
no log line may ever carry one (the brief's rule, checked at the end of every run)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from mercato.logs import luhn_valid

TEST_OUTPUT = Path(
    os.environ.get("MERCATO_TEST_OUTPUT", Path(__file__).resolve().parents[1] / "test-output")
)
"""Where a test run leaves what a person may look at; set MERCATO_TEST_OUTPUT to keep two
runs on one checkout apart."""

LOGS = TEST_OUTPUT / "logs"
"""Where tests keep what Mercato's processes printed, to be scanned for card numbers."""

_CARD_NUMBER = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def keep_log(name: str, text: str) -> None:
    """Keep a process's output for the end-of-session scan for card numbers."""
    LOGS.mkdir(parents=True, exist_ok=True)
    with (LOGS / f"{name}.log").open("a") as file:
        file.write(text)


def card_numbers_in(text: str) -> list[str]:
    """Every Luhn-valid run of 13 to 19 digits: a card number left in clear."""
    found = []
    for match in _CARD_NUMBER.finditer(text):
        digits = re.sub(r"[ -]", "", match.group(0))
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            found.append(digits)
    return found
