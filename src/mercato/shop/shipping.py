"""Shipping rates: a flat amount per group of countries, free over a threshold.

A shop lists its rates; each ships to some countries, or to "every other country" (``*``).
The rates for a country are those that name it, or, when none does, those for every other
country. Pure: no database, no web framework.

    >>> from mercato.money import Money
    >>> home = ShippingRate("r1", "Germany", frozenset({"DE"}), Money.of_minor(490, "EUR"),
    ...                     free_over=Money.of_minor(5000, "EUR"))
    >>> str(home.cost(Money.of_minor(4999, "EUR"))), str(home.cost(Money.of_minor(5000, "EUR")))
    ('4.90 EUR', '0.00 EUR')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mercato.money import Money

EVERYWHERE_ELSE = "*"


@dataclass(frozen=True)
class ShippingRate:
    """``amount`` to ship to ``countries`` (None: every other country), nothing once the
    items come to ``free_over`` or more."""

    id: str
    name: str
    countries: frozenset[str] | None
    amount: Money
    free_over: Money | None = None

    def ships_to(self, country: str) -> bool:
        return self.countries is not None and country in self.countries

    def cost(self, items: Money) -> Money:
        """What shipping costs for items worth ``items`` (as the shop prices them)."""
        if self.free_over is not None and items >= self.free_over:
            return Money.zero(self.amount.currency)
        return self.amount

    def short_of_free(self, items: Money) -> Money | None:
        """How much more would make shipping free, or None (free already, or never)."""
        if self.free_over is None or items >= self.free_over:
            return None
        return self.free_over - items


def rates_for(rates: Sequence[ShippingRate], country: str) -> list[ShippingRate]:
    """The rates that ship to ``country``: those naming it, else those for every other
    country; none when the shop does not ship there."""
    named = [rate for rate in rates if rate.ships_to(country)]
    return named or [rate for rate in rates if rate.countries is None]


def choose(rates: Sequence[ShippingRate], country: str, rate_id: str | None) -> ShippingRate | None:
    """The rate ``rate_id`` if it ships to ``country``, else the first that does."""
    usable = rates_for(rates, country)
    for rate in usable:
        if rate.id == rate_id:
            return rate
    return usable[0] if usable else None
