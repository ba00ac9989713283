"""Shipping: a flat rate per group of countries, free from a threshold, and a rate for
every other country."""

from __future__ import annotations

from mercato.money import Money
from mercato.shop.shipping import ShippingRate, choose, rates_for


def eur(minor: int) -> Money:
    return Money.of_minor(minor, "EUR")


HOME = ShippingRate("home", "Germany", frozenset({"DE"}), eur(490), free_over=eur(5000))
EXPRESS = ShippingRate("express", "Express", frozenset({"DE"}), eur(1290))
EU = ShippingRate("eu", "EU", frozenset({"FR", "NL"}), eur(990), free_over=eur(10000))
WORLD = ShippingRate("world", "International", None, eur(1990))
RATES = [HOME, EXPRESS, EU, WORLD]


def test_shipping_is_free_from_the_threshold_on_and_not_a_cent_before() -> None:
    assert HOME.cost(eur(4999)) == eur(490)
    assert HOME.cost(eur(5000)) == eur(0)
    assert HOME.short_of_free(eur(4000)) == eur(1000)
    assert HOME.short_of_free(eur(6000)) is None
    assert WORLD.cost(eur(1_000_000)) == eur(1990)  # never free
    assert WORLD.short_of_free(eur(100)) is None


def test_a_country_gets_its_own_rates_else_the_rate_for_everywhere_else() -> None:
    assert rates_for(RATES, "DE") == [HOME, EXPRESS]
    assert rates_for(RATES, "FR") == [EU]
    assert rates_for(RATES, "US") == [WORLD]
    assert rates_for([HOME, EU], "US") == []


def test_a_chosen_rate_that_does_not_ship_there_falls_back_to_one_that_does() -> None:
    assert choose(RATES, "DE", "express") == EXPRESS
    assert choose(RATES, "FR", "express") == EU
    assert choose(RATES, "DE", None) == HOME
    assert choose([HOME], "FR", None) is None
