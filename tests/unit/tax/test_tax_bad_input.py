"""Input that cannot be taxed is refused with an error that says what is wrong."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mercato.money import Money
from mercato.tax import (
    Customer,
    InvalidOrderLine,
    InvalidVatNumber,
    OrderLine,
    Shop,
    TaxedMoney,
    TaxError,
    UnknownCountry,
    UnsupportedShopLocation,
    calculate_tax,
)

DAY = dt.date(2026, 11, 2)


def eur(minor: int) -> Money:
    return Money.of_minor(minor, "EUR")


def shop() -> Shop:
    return Shop.of("DE", "EUR", prices_include_tax=False)


@pytest.mark.parametrize("country", ["XX", "EL", "UK", "Germany", "", "D"])
def test_an_unknown_country_is_refused(country: str) -> None:
    with pytest.raises(UnknownCountry) as caught:
        Customer.of(country)
    assert caught.value.code == "unknown_country"
    assert caught.value.param == "customer.country"


def test_greece_and_the_united_kingdom_are_named_by_their_iso_codes() -> None:
    with pytest.raises(UnknownCountry, match="GR"):
        Customer.of("EL")
    with pytest.raises(UnknownCountry, match="GB"):
        Customer.of("UK")


def test_an_invalid_vat_number_is_refused_when_the_customer_is_built() -> None:
    with pytest.raises(InvalidVatNumber):
        Customer.of("FR", vat_number="FR00000000000")


def test_a_blank_vat_number_means_a_consumer() -> None:
    assert not Customer.of("FR", vat_number="  ").is_business


@pytest.mark.parametrize("quantity", [0, -1, -100])
def test_a_quantity_below_one_is_refused(quantity: int) -> None:
    with pytest.raises(InvalidOrderLine) as caught:
        OrderLine(eur(100), quantity)
    assert caught.value.code == "invalid_order_line"
    assert caught.value.param == "quantity"


def test_a_negative_price_is_refused() -> None:
    with pytest.raises(InvalidOrderLine, match="negative"):
        OrderLine(eur(-100), 1)


def test_a_line_in_another_currency_than_the_shops_is_refused() -> None:
    line = OrderLine(Money.of_minor(100, "USD"), 1)

    with pytest.raises(InvalidOrderLine, match="USD") as caught:
        calculate_tax(shop(), Customer.of("DE"), [eur_line(), line], on=DAY)
    assert caught.value.param == "lines[1].unit_price"


def eur_line() -> OrderLine:
    return OrderLine(eur(100), 1)


def test_an_unknown_category_is_refused() -> None:
    with pytest.raises(InvalidOrderLine):
        OrderLine(eur(100), 1, "luxury")  # type: ignore[arg-type]


def test_floats_are_refused_everywhere() -> None:
    with pytest.raises(TypeError):
        OrderLine(eur(100), 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        TaxedMoney.from_net(eur(100), 19.0)  # type: ignore[arg-type]


def test_a_shop_outside_the_eu_and_the_us_is_not_supported() -> None:
    with pytest.raises(UnsupportedShopLocation):
        Shop.of("CH", "CHF", prices_include_tax=True)


def test_only_a_us_shop_has_a_state() -> None:
    with pytest.raises(UnsupportedShopLocation):
        Shop.of("DE", "EUR", prices_include_tax=True, state="CA")


def test_the_day_of_supply_is_a_date_not_a_timestamp() -> None:
    noon = dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC)
    with pytest.raises(TypeError):
        calculate_tax(shop(), Customer.of("DE"), [eur_line()], on=noon)


def test_a_rate_outside_zero_to_a_hundred_percent_is_refused() -> None:
    with pytest.raises(ValueError, match="percentage"):
        TaxedMoney.from_net(eur(100), Decimal(100))
    with pytest.raises(ValueError, match="percentage"):
        TaxedMoney.from_net(eur(100), Decimal("-1"))


def test_every_tax_error_is_a_value_error_with_a_code() -> None:
    for error_class in TaxError.__subclasses__():
        assert issubclass(error_class, ValueError)
        assert error_class.code != TaxError.code
