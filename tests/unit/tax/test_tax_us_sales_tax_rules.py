"""US sales tax: destination-based, state level, only where the shop has nexus."""

from __future__ import annotations

import datetime as dt

import pytest

from mercato.money import Money
from mercato.tax import (
    US_EXPORT_NOTE,
    Customer,
    OrderLine,
    Regime,
    Shop,
    StateRequired,
    TaxCategory,
    UnknownState,
    calculate_tax,
)

DAY = dt.date(2026, 11, 2)


def usd(minor: int) -> Money:
    return Money.of_minor(minor, "USD")


def californian_shop(*nexus: str) -> Shop:
    return Shop.of("US", "USD", prices_include_tax=False, state="CA", nexus_states=nexus)


def test_us_shop_charges_its_home_state_rate_to_customers_in_its_state() -> None:
    result = calculate_tax(
        californian_shop(), Customer.of("US", state="CA"), [OrderLine(usd(10000), 1)], on=DAY
    )

    assert result.treatment.regime is Regime.US_SALES_TAX
    assert result.treatment.label == "US-CA"
    assert result.total.tax == usd(725)


def test_us_shop_charges_the_ship_to_states_rate_where_it_has_nexus() -> None:
    shop = californian_shop("NY", "TX")

    to_new_york = calculate_tax(
        shop, Customer.of("US", state="ny"), [OrderLine(usd(999), 3)], on=DAY
    )

    assert to_new_york.lines[0].percent == 4
    assert to_new_york.total.tax == usd(120)  # 29.97 * 4% = 1.1988


def test_us_shop_collects_nothing_where_it_has_no_nexus_and_says_why() -> None:
    result = calculate_tax(
        californian_shop(), Customer.of("US", state="TX"), [OrderLine(usd(10000), 1)], on=DAY
    )

    assert result.treatment.regime is Regime.US_NO_NEXUS
    assert result.total.tax == usd(0)
    assert "Texas" in result.notes[0]
    assert "use tax" in result.notes[0]


def test_nexus_in_a_state_without_sales_tax_charges_nothing() -> None:
    result = calculate_tax(
        californian_shop("OR"), Customer.of("US", state="OR"), [OrderLine(usd(10000), 1)], on=DAY
    )

    assert result.treatment.regime is Regime.US_SALES_TAX
    assert result.total.tax == usd(0)


def test_us_shop_charges_no_sales_tax_on_exports() -> None:
    result = calculate_tax(
        californian_shop(), Customer.of("CA"), [OrderLine(usd(10000), 1)], on=DAY
    )

    assert result.treatment.regime is Regime.EXPORT
    assert result.notes == (US_EXPORT_NOTE,)


def test_tax_free_sale_of_a_tax_included_price_sells_at_the_net_price() -> None:
    shop = Shop.of("US", "USD", prices_include_tax=True, state="CA")

    result = calculate_tax(shop, Customer.of("US", state="NV"), [OrderLine(usd(10725), 1)], on=DAY)

    assert result.total.gross == usd(10000)


def test_exempt_goods_bear_no_sales_tax() -> None:
    line = OrderLine(usd(10000), 1, TaxCategory.EXEMPT)

    result = calculate_tax(californian_shop(), Customer.of("US", state="CA"), [line], on=DAY)

    assert result.total.tax == usd(0)


def test_louisianas_rate_follows_the_day_of_supply() -> None:
    shop = Shop.of("US", "USD", prices_include_tax=False, state="LA")
    buyer, lines = Customer.of("US", state="LA"), [OrderLine(usd(10000), 1)]

    assert calculate_tax(shop, buyer, lines, on=dt.date(2024, 12, 31)).total.tax == usd(445)
    assert calculate_tax(shop, buyer, lines, on=dt.date(2025, 1, 1)).total.tax == usd(500)


def test_a_us_customer_without_a_state_cannot_be_taxed() -> None:
    with pytest.raises(StateRequired) as caught:
        calculate_tax(californian_shop(), Customer.of("US"), [OrderLine(usd(1), 1)], on=DAY)
    assert caught.value.code == "state_required"
    assert caught.value.param == "customer.state"


def test_a_state_that_does_not_exist_is_refused() -> None:
    with pytest.raises(UnknownState) as caught:
        Customer.of("US", state="XX")
    assert caught.value.code == "unknown_state"


def test_a_us_shop_must_say_its_state() -> None:
    with pytest.raises(StateRequired):
        Shop.of("US", "USD", prices_include_tax=False)


def test_the_home_state_is_always_a_nexus_state() -> None:
    shop = Shop.of("US", "USD", prices_include_tax=False, state="wa", nexus_states=["or"])

    assert shop.nexus_states == {"WA", "OR"}
