"""Rounding rules, named every time an amount is rounded.

The rules are the `decimal` module's, but they are carried out here on integers: an amount
is rounded by dividing one integer by another, so no `decimal` context (with its precision
of 28 digits and its global, per-thread state) can silently round twice.

For a tie (exactly half a minor unit) and for the sign, the rules read:

    value      HALF_UP  HALF_EVEN  DOWN  UP   FLOOR  CEILING
    +0.5        +1       0          0    +1    0     +1
    +1.5        +2      +2         +1    +2   +1     +2
    -0.5        -1       0          0    -1   -1      0
    -1.5        -2      -2         -1    -2   -2     -1
"""

from __future__ import annotations

import decimal
import enum


class Rounding(enum.Enum):
    """How to round a value that falls between two minor units."""

    HALF_UP = decimal.ROUND_HALF_UP  # nearest; a tie goes away from zero (tax, per line)
    HALF_EVEN = decimal.ROUND_HALF_EVEN  # nearest; a tie goes to the even neighbour
    DOWN = decimal.ROUND_DOWN  # toward zero
    UP = decimal.ROUND_UP  # away from zero
    FLOOR = decimal.ROUND_FLOOR  # toward negative infinity
    CEILING = decimal.ROUND_CEILING  # toward positive infinity

    @property
    def decimal_mode(self) -> str:
        """The `decimal` module's constant for this rule, e.g. `decimal.ROUND_HALF_UP`."""
        mode: str = self.value
        return mode


def round_division(numerator: int, denominator: int, rounding: Rounding) -> int:
    """The integer nearest to `numerator / denominator` by the named rule.

    Exact for integers of any size. Rounding: `rounding`, as the module's table shows; an
    exact quotient is returned unchanged by every rule. The denominator must be positive.
    """
    for name, value in (("numerator", numerator), ("denominator", denominator)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"the {name} must be an int, not {value!r}")
    if not isinstance(rounding, Rounding):
        raise TypeError(f"rounding must be a Rounding, not {rounding!r}")
    if denominator <= 0:
        raise ValueError(f"the denominator must be positive, not {denominator}")

    negative = numerator < 0
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder and _away_from_zero(quotient, remainder, denominator, negative, rounding):
        quotient += 1
    return -quotient if negative else quotient


def _away_from_zero(
    quotient: int, remainder: int, denominator: int, negative: bool, rounding: Rounding
) -> bool:
    """Whether a magnitude that is not exact goes up to `quotient + 1` (rather than staying)."""
    if rounding is Rounding.DOWN:
        return False
    if rounding is Rounding.UP:
        return True
    if rounding is Rounding.FLOOR:
        return negative
    if rounding is Rounding.CEILING:
        return not negative
    twice = 2 * remainder
    if twice != denominator:  # not a tie: both HALF rules go to the nearest
        return twice > denominator
    return rounding is Rounding.HALF_UP or quotient % 2 == 1
