"""Properties that hold for any line: exact splits, and half-up rounding once per line."""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mercato.money import Money
from mercato.tax import (
    Customer,
    OrderLine,
    Shop,
    TaxCategory,
    TaxedMoney,
    calculate_tax,
    eu_vat_rates,
)

# Every rate in the table, and arbitrary ones with up to three decimals.
TABLE_RATES = sorted({period.percent for period in eu_vat_rates().periods})
percents = st.one_of(
    st.sampled_from(TABLE_RATES),
    st.decimals(min_value=0, max_value=Decimal("99.999"), places=3),
)
# Small amounts often fall on exact half cents of tax (0.03 with 20% in it is 0.005 of tax),
# where half-up and other rules part; large ones test that nothing overflows or drifts.
amounts = st.one_of(st.integers(0, 2_000), st.integers(0, 10**12))
quantities = st.integers(min_value=1, max_value=10_000)


def reference_half_up(numerator: Decimal, denominator: Decimal) -> int:
    """numerator / denominator rounded half-up, through Decimal with room to spare."""
    with decimal.localcontext(decimal.Context(prec=200)):
        return int((numerator / denominator).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@settings(max_examples=150)
@given(amounts, percents)
def test_net_plus_tax_is_gross_for_any_line(minor: int, percent: Decimal) -> None:
    amount = Money.of_minor(minor, "EUR")
    for taxed in (TaxedMoney.from_net(amount, percent), TaxedMoney.from_gross(amount, percent)):
        assert taxed.net + taxed.tax == taxed.gross


@settings(max_examples=150)
@given(amounts, percents)
@example(150, Decimal(7))  # 0.105: half-up 0.11, half-even 0.10
def test_tax_on_a_net_price_is_rounded_half_up_like_decimal_would(
    minor: int, percent: Decimal
) -> None:
    taxed = TaxedMoney.from_net(Money.of_minor(minor, "EUR"), percent)

    assert taxed.net.minor == minor
    assert taxed.tax.minor == reference_half_up(Decimal(minor) * percent, Decimal(100))


@settings(max_examples=150)
@given(amounts, percents)
@example(3, Decimal(20))  # 0.005 of tax: half-up gives 0.01, half-even 0.00
@example(15, Decimal(20))  # 0.025: half-up 0.03, half-even 0.02
def test_tax_in_a_gross_price_is_rounded_half_up_like_decimal_would(
    minor: int, percent: Decimal
) -> None:
    taxed = TaxedMoney.from_gross(Money.of_minor(minor, "EUR"), percent)

    assert taxed.gross.minor == minor
    assert taxed.tax.minor == reference_half_up(Decimal(minor) * percent, 100 + percent)


lines = st.lists(
    st.builds(
        OrderLine,
        unit_price=st.integers(0, 10**7).map(lambda minor: Money.of_minor(minor, "EUR")),
        quantity=quantities,
        category=st.sampled_from(list(TaxCategory)),
    ),
    max_size=8,
)


@settings(max_examples=75)
@given(
    lines,
    st.booleans(),
    st.sampled_from(["DE", "FR", "IE", "FI", "CH"]),
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 11, 22)),
)
def test_an_orders_totals_are_the_sums_of_its_lines_rounded_once_each(
    order: list[OrderLine], prices_include_tax: bool, country: str, day: dt.date
) -> None:
    shop = Shop.of("DE", "EUR", prices_include_tax=prices_include_tax)

    result = calculate_tax(shop, Customer.of(country), order, on=day)

    assert result.total.net.minor == sum(line.net.minor for line in result.lines)
    assert result.total.gross.minor == sum(line.gross.minor for line in result.lines)
    for tax_line in result.lines:
        assert tax_line.net + tax_line.tax == tax_line.gross
        entered = Decimal(tax_line.line.amount.minor)
        percent = tax_line.percent
        if country == "CH":  # an export: no tax, and the price loses the German tax in it
            assert tax_line.tax.minor == 0
        elif prices_include_tax:  # the customer pays the price shown, tax extracted
            assert tax_line.gross.minor == entered
            assert tax_line.tax.minor == reference_half_up(entered * percent, 100 + percent)
        else:  # tax added to the price shown
            assert tax_line.net.minor == entered
            assert tax_line.tax.minor == reference_half_up(entered * percent, Decimal(100))
