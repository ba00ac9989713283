"""The BIN table: which issuer a card number belongs to, and what kind of card it is.

A card's first digits (its BIN, or IIN) name the network and the issuing bank. The longest
matching prefix wins, so a specific bank's range overrides its network's. In the sandbox
every range routes to Mercato's simulated issuing bank; a real acquirer would load the
networks' BIN files here.
"""

from __future__ import annotations

from dataclasses import dataclass

SIMULATED_ISSUER = "mercato-issuer"


@dataclass(frozen=True)
class BinEntry:
    """What the first digits of a card number say about it."""

    prefix: str
    brand: str
    funding: str  # credit, debit, prepaid
    country: str
    issuer: str = SIMULATED_ISSUER


def _ranges(first: int, last: int, brand: str, funding: str, country: str) -> list[BinEntry]:
    width = len(str(first))
    return [BinEntry(str(n).zfill(width), brand, funding, country) for n in range(first, last + 1)]


TABLE: tuple[BinEntry, ...] = (
    # Networks' ranges.
    BinEntry("4", "visa", "credit", "US"),
    *_ranges(51, 55, "mastercard", "credit", "US"),
    *_ranges(2221, 2720, "mastercard", "credit", "US"),
    BinEntry("34", "amex", "credit", "US"),
    BinEntry("37", "amex", "credit", "US"),
    BinEntry("6011", "discover", "credit", "US"),
    *_ranges(644, 649, "discover", "credit", "US"),
    BinEntry("65", "discover", "credit", "US"),
    *_ranges(300, 305, "diners", "credit", "US"),
    BinEntry("36", "diners", "credit", "US"),
    BinEntry("38", "diners", "credit", "US"),
    *_ranges(3528, 3589, "jcb", "credit", "JP"),
    BinEntry("62", "unionpay", "credit", "CN"),
    # Banks' ranges with other properties (Stripe's debit test cards among them).
    BinEntry("400005", "visa", "debit", "US"),
    BinEntry("520082", "mastercard", "debit", "US"),
    # The simulated issuing bank's own ranges, as a network's BIN file would list them.
    *(
        BinEntry(prefix, brand, funding, "US")
        for prefix, brand, funding in (
            ("457119", "visa", "debit"),
            ("457173", "visa", "credit"),
            ("535110", "mastercard", "debit"),
            ("535522", "mastercard", "credit"),
            ("374246", "amex", "debit"),
            ("374245", "amex", "credit"),
            ("601179", "discover", "debit"),
            ("601180", "discover", "credit"),
            ("352801", "jcb", "debit"),
            ("352802", "jcb", "credit"),
            ("360417", "diners", "debit"),
            ("360418", "diners", "credit"),
            ("621483", "unionpay", "debit"),
            ("621484", "unionpay", "credit"),
        )
    ),
)

_BY_PREFIX = {entry.prefix: entry for entry in TABLE}
_LONGEST = max(len(entry.prefix) for entry in TABLE)


def lookup(digits: str) -> BinEntry | None:
    """The entry for a card number (or its first digits), longest prefix first."""
    for length in range(min(_LONGEST, len(digits)), 0, -1):
        entry = _BY_PREFIX.get(digits[:length])
        if entry is not None:
            return entry
    return None
