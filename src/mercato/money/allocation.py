"""Splitting an amount into shares without losing or inventing a minor unit.

$100.00 split three ways is $33.34 + $33.33 + $33.33, not three times $33.33 (a cent lost)
nor three times $33.34 (a cent invented). The largest remainder method gives each share the
whole minor units of its exact proportional share, then hands the units left over, one each,
to the shares whose exact value was cut the most; a tie goes to the earlier share, so the
same split always gives the same result.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from mercato.money.errors import InvalidRatios

if TYPE_CHECKING:
    from mercato.money.money import Money


def allocate(amount: Money, ratios: Sequence[int | Decimal]) -> list[Money]:
    """Split `amount` into one share per ratio, in proportion to the ratios.

    Rounding: largest remainder. Every minor unit of `amount` is allocated and none is
    invented; each share differs from its exact proportional share by less than one minor
    unit; leftover units go to the largest remainders, ties to the earlier index; a zero
    ratio gets zero. A negative amount is split like its absolute value, then negated.
    Ratios are ints or Decimals, each >= 0, with a positive sum; else `InvalidRatios`.
    """
    weights = _integer_weights(ratios)
    magnitudes = split_minor_units(abs(amount.minor), weights)
    sign = -1 if amount.minor < 0 else 1
    return [type(amount)(sign * units, amount.currency) for units in magnitudes]


def split_minor_units(total: int, weights: Sequence[int]) -> list[int]:
    """Split a non-negative whole number of units by non-negative integer weights.

    Rounding: largest remainder, ties to the earlier index (see `allocate`).
    """
    if total < 0:
        raise ValueError(f"split a non-negative total, not {total}")
    weight_sum = sum(weights)
    if weight_sum <= 0 or any(weight < 0 for weight in weights):
        raise InvalidRatios("ratios must be >= 0 with a positive sum")
    shares: list[int] = []
    remainders: list[int] = []
    for weight in weights:
        share, remainder = divmod(total * weight, weight_sum)
        shares.append(share)
        remainders.append(remainder)
    leftover = total - sum(shares)
    # The remainders add up to leftover * weight_sum and each is below weight_sum, so more
    # than `leftover` of them are positive: a zero ratio (remainder 0) never gets a unit.
    by_largest_remainder = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for index in by_largest_remainder[:leftover]:
        shares[index] += 1
    return shares


def _integer_weights(ratios: Sequence[int | Decimal]) -> list[int]:
    """The ratios as integers in the same proportions (Decimals scaled by a power of ten)."""
    if isinstance(ratios, (str, bytes)) or not isinstance(ratios, Sequence):
        raise TypeError(f"ratios are a sequence of ints or Decimals, not {ratios!r}")
    if not ratios:
        raise InvalidRatios("there must be at least one ratio")
    parts: list[tuple[int, int]] = []  # (coefficient, exponent): ratio == c * 10**e
    for ratio in ratios:
        if isinstance(ratio, float):
            raise TypeError(f"ratios are never floats (got {ratio!r}); use a Decimal")
        if isinstance(ratio, bool) or not isinstance(ratio, (int, Decimal)):
            raise TypeError(f"a ratio is an int or a Decimal, not {ratio!r}")
        if isinstance(ratio, int):
            parts.append((ratio, 0))
            continue
        if not ratio.is_finite():
            raise InvalidRatios(f"{ratio!r} is not a finite ratio")
        sign, digits, exponent = ratio.as_tuple()
        assert isinstance(exponent, int)  # finite
        coefficient = int("".join(map(str, digits)))
        parts.append((-coefficient if sign else coefficient, exponent))
    lowest = min(exponent for _, exponent in parts)
    return [coefficient * 10 ** (exponent - lowest) for coefficient, exponent in parts]
