"""The Luhn (mod 10) check every card number carries in its last digit.

Shared by the log masking (``logs``), which must recognise card numbers in any text, and
the vault (``vault.numbers``), which checks numbers and lets issuers mint them.
"""

from __future__ import annotations


def _sum(digits: str, *, doubling_first: bool) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if (position % 2 == 0) == doubling_first:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total


def check_digit(partial: str) -> str:
    """The digit that makes ``partial`` + digit pass the Luhn check."""
    return str((10 - _sum(partial, doubling_first=True) % 10) % 10)


def is_valid(digits: str) -> bool:
    """Whether a string of ASCII digits passes the Luhn check."""
    return _sum(digits, doubling_first=False) % 10 == 0
