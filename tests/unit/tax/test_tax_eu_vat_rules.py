"""EU VAT on an order: domestic, distance sales, reverse charge, exports, included prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mercato.money import Money
from mercato.tax import (
    EU_EXPORT_NOTE,
    REVERSE_CHARGE_NOTE,
    Customer,
    OrderLine,
    Regime,
    Shop,
    TaxCategory,
    VatNumberCountryMismatch,
    calculate_tax,
)

DAY = dt.date(2026, 11, 2)
FRENCH_COMPANY = "FR61954506077"
GERMAN_COMPANY = "DE136695976"
GREEK_COMPANY = "EL094259216"


def eur(minor: int) -> Money:
    return Money.of_minor(minor, "EUR")


def german_shop(*, prices_include_tax: bool = False) -> Shop:
    return Shop.of("DE", "EUR", prices_include_tax=prices_include_tax)


def test_german_shop_charges_german_consumer_german_vat() -> None:
    result = calculate_tax(german_shop(), Customer.of("DE"), [OrderLine(eur(10000), 1)], on=DAY)

    assert result.treatment.regime is Regime.DOMESTIC
    line = result.lines[0]
    assert (line.percent, line.net, line.tax, line.gross) == (19, eur(10000), eur(1900), eur(11900))


def test_german_shop_charges_french_consumer_french_vat() -> None:
    result = calculate_tax(german_shop(), Customer.of("FR"), [OrderLine(eur(10000), 1)], on=DAY)

    assert result.treatment.regime is Regime.EU_DISTANCE_SALE
    assert result.treatment.jurisdiction == "FR"
    assert result.lines[0].percent == 20
    assert result.total.tax == eur(2000)
    assert result.notes == ()


def test_a_book_sold_to_a_french_consumer_takes_the_french_reduced_rate() -> None:
    book = OrderLine(eur(1000), 2, TaxCategory.REDUCED)

    result = calculate_tax(german_shop(), Customer.of("FR"), [book], on=DAY)

    assert result.lines[0].percent == 10
    assert result.total.tax == eur(200)


def test_valid_vat_number_of_another_member_state_is_reverse_charged() -> None:
    customer = Customer.of("FR", vat_number=FRENCH_COMPANY)

    result = calculate_tax(german_shop(), customer, [OrderLine(eur(10000), 3)], on=DAY)

    assert result.is_reverse_charge
    assert result.total.tax == eur(0)
    assert result.total.gross == eur(30000)
    assert result.notes == (REVERSE_CHARGE_NOTE,)
    assert "Reverse charge" in REVERSE_CHARGE_NOTE
    assert "Article 196 Council Directive 2006/112/EC" in REVERSE_CHARGE_NOTE
    assert str(result.customer_vat_number) == FRENCH_COMPANY


def test_greek_business_with_an_el_number_is_reverse_charged() -> None:
    customer = Customer.of("GR", vat_number=GREEK_COMPANY)

    result = calculate_tax(german_shop(), customer, [OrderLine(eur(500), 1)], on=DAY)

    assert result.is_reverse_charge


def test_domestic_business_customer_pays_domestic_vat_despite_its_vat_number() -> None:
    customer = Customer.of("DE", vat_number=GERMAN_COMPANY)

    result = calculate_tax(german_shop(), customer, [OrderLine(eur(10000), 1)], on=DAY)

    assert result.treatment.regime is Regime.DOMESTIC
    assert result.total.tax == eur(1900)


def test_vat_number_of_a_third_member_state_is_refused_rather_than_guessed() -> None:
    goods_to_belgium_on_a_french_number = Customer.of("BE", vat_number=FRENCH_COMPANY)

    with pytest.raises(VatNumberCountryMismatch) as caught:
        calculate_tax(
            german_shop(), goods_to_belgium_on_a_french_number, [OrderLine(eur(1), 1)], on=DAY
        )
    assert caught.value.code == "vat_number_country_mismatch"
    assert caught.value.param == "customer.vat_number"


def test_exports_outside_the_eu_are_zero_rated() -> None:
    result = calculate_tax(german_shop(), Customer.of("CH"), [OrderLine(eur(10000), 1)], on=DAY)

    assert result.treatment.regime is Regime.EXPORT
    assert result.total.tax == eur(0)
    assert result.notes == (EU_EXPORT_NOTE,)


def test_exports_to_a_business_with_a_northern_irish_number_are_still_exports() -> None:
    customer = Customer.of("GB", vat_number="XI980780684")

    result = calculate_tax(german_shop(), customer, [OrderLine(eur(100), 1)], on=DAY)

    assert result.treatment.regime is Regime.EXPORT


def test_tax_included_prices_split_exactly() -> None:
    shop = german_shop(prices_include_tax=True)

    result = calculate_tax(shop, Customer.of("DE"), [OrderLine(eur(1999), 3)], on=DAY)

    line = result.lines[0]
    # 59.97 includes 19%: 59.97 * 19 / 119 = 9.5750... -> 9.58
    assert line.gross == eur(5997)
    assert line.tax == eur(958)
    assert line.net == eur(5039)
    assert line.net + line.tax == line.gross


def test_tax_included_price_is_what_a_french_consumer_pays_with_french_vat_inside() -> None:
    shop = german_shop(prices_include_tax=True)

    result = calculate_tax(shop, Customer.of("FR"), [OrderLine(eur(11900), 1)], on=DAY)

    assert result.total.gross == eur(11900)
    assert result.total.tax == eur(1983)  # 119.00 * 20 / 120 = 19.8333 -> 19.83


def test_reverse_charged_business_does_not_pay_the_german_vat_included_in_the_price() -> None:
    shop = german_shop(prices_include_tax=True)
    customer = Customer.of("FR", vat_number=FRENCH_COMPANY)

    result = calculate_tax(shop, customer, [OrderLine(eur(11900), 1)], on=DAY)

    assert result.total.gross == result.total.net == eur(10000)


def test_shipping_is_taxed_like_a_standard_rated_line() -> None:
    lines = [
        OrderLine(eur(2000), 1, TaxCategory.REDUCED, reference="book-1"),
        OrderLine.shipping(eur(490)),
    ]

    result = calculate_tax(german_shop(), Customer.of("DE"), lines, on=DAY)

    book, shipping = result.lines
    assert (book.percent, book.tax) == (7, eur(140))
    assert (shipping.percent, shipping.tax) == (19, eur(93))  # 4.90 * 0.19 = 0.931
    assert shipping.line.kind == "shipping"
    assert result.total.tax == eur(233)


def test_each_line_is_rounded_on_its_own_and_the_total_is_their_sum() -> None:
    # 0.05 * 19% = 0.0095: each line rounds to 0.01, so two lines make 0.02 (not 0.019).
    lines = [OrderLine(eur(5), 1), OrderLine(eur(5), 1)]

    result = calculate_tax(german_shop(), Customer.of("DE"), lines, on=DAY)

    assert [line.tax for line in result.lines] == [eur(1), eur(1)]
    assert result.total.tax == eur(2)


def test_a_line_is_rounded_once_on_its_amount_not_per_unit() -> None:
    # 3 x 0.05: 0.15 * 19% = 0.0285 -> 0.03; per unit it would be 3 x 0.01.
    result = calculate_tax(german_shop(), Customer.of("DE"), [OrderLine(eur(5), 3)], on=DAY)

    assert result.total.tax == eur(3)


def test_half_a_cent_of_tax_rounds_up() -> None:
    # 1.50 * 7% = 0.105: half-up gives 0.11 (banker's rounding would give 0.10).
    line = OrderLine(eur(150), 1, TaxCategory.REDUCED)

    result = calculate_tax(german_shop(), Customer.of("DE"), [line], on=DAY)

    assert result.total.tax == eur(11)


def test_half_a_cent_of_tax_inside_a_tax_included_price_rounds_up() -> None:
    # 0.15 with 20% French VAT in it holds 0.025 of tax: half-up makes it 0.03.
    shop = german_shop(prices_include_tax=True)

    result = calculate_tax(shop, Customer.of("FR"), [OrderLine(eur(15), 1)], on=DAY)

    assert (result.total.net, result.total.tax) == (eur(12), eur(3))


def test_a_category_the_country_lacks_takes_its_next_higher_rate() -> None:
    # Germany has no super-reduced rate: such goods are sold at its reduced 7%.
    line = OrderLine(eur(1000), 1, TaxCategory.SUPER_REDUCED)

    result = calculate_tax(german_shop(), Customer.of("DE"), [line], on=DAY)

    assert result.lines[0].percent == 7
    assert result.lines[0].applied_category is TaxCategory.REDUCED


def test_denmark_taxes_reduced_rate_goods_at_its_standard_rate() -> None:
    line = OrderLine(eur(1000), 1, TaxCategory.REDUCED)

    result = calculate_tax(german_shop(), Customer.of("DK"), [line], on=DAY)

    assert result.lines[0].percent == 25


def test_exempt_goods_bear_no_vat_anywhere() -> None:
    line = OrderLine(eur(1000), 1, TaxCategory.EXEMPT)

    for country in ("DE", "FR", "CH"):
        result = calculate_tax(german_shop(), Customer.of(country), [line], on=DAY)
        assert result.total.tax == eur(0)


def test_the_rate_is_the_one_in_force_on_the_day_of_supply() -> None:
    line = [OrderLine(eur(10000), 1)]
    shop = german_shop()

    in_2020 = calculate_tax(shop, Customer.of("DE"), line, on=dt.date(2020, 7, 1))
    in_2021 = calculate_tax(shop, Customer.of("DE"), line, on=dt.date(2021, 1, 1))

    assert in_2020.total.tax == eur(1600)
    assert in_2021.total.tax == eur(1900)


def test_a_shop_in_poland_charges_polish_vat_in_zloty() -> None:
    shop = Shop.of("PL", "PLN", prices_include_tax=True)
    line = OrderLine(Money.of_minor(12300, "PLN"), 1)

    result = calculate_tax(shop, Customer.of("PL"), [line], on=DAY)

    assert result.total.tax == Money.of_minor(2300, "PLN")


def test_the_invoice_breakdown_sums_the_lines_per_rate() -> None:
    lines = [
        OrderLine(eur(1000), 1),
        OrderLine(eur(2000), 1, TaxCategory.REDUCED),
        OrderLine(eur(3000), 1),
    ]

    result = calculate_tax(german_shop(), Customer.of("DE"), lines, on=DAY)

    summary = [(row.percent, row.amount.net, row.amount.tax) for row in result.by_rate()]
    assert summary == [
        (Decimal(19), eur(4000), eur(760)),
        (Decimal(7), eur(2000), eur(140)),
    ]
    assert [str(row.percent) for row in result.by_rate()] == ["19", "7"]


def test_an_empty_order_has_nothing_to_tax() -> None:
    result = calculate_tax(german_shop(), Customer.of("DE"), [], on=DAY)

    assert result.total.gross == eur(0)
    assert result.lines == ()


def test_the_result_names_the_source_of_its_rates() -> None:
    result = calculate_tax(german_shop(), Customer.of("DE"), [OrderLine(eur(1), 1)], on=DAY)

    assert "TEDB" in result.rates_source.source
    assert result.rates_source.compiled == dt.date(2026, 11, 22)
