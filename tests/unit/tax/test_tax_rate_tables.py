"""The rate tables: every member state and state, dated changes, and a file that checks itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mercato.tax import (
    EU_MEMBER_STATES,
    US_STATES,
    InvalidRateTable,
    NoRateOnDate,
    RateTable,
    TaxCategory,
    eu_vat_rates,
    us_sales_tax_rates,
)

STANDARD = TaxCategory.STANDARD


def standard_vat(country: str, day: dt.date) -> Decimal:
    return eu_vat_rates().rate(country, STANDARD, day).percent


def test_every_member_state_has_a_standard_rate_from_2020_to_the_compilation_date() -> None:
    table = eu_vat_rates()
    assert table.jurisdictions == EU_MEMBER_STATES
    day = table.info.coverage_from
    while day <= table.info.compiled:
        for country in EU_MEMBER_STATES:
            assert 15 <= standard_vat(country, day) < 30, (country, day)
        day += dt.timedelta(days=30)


def test_estonian_rate_changes_on_its_effective_date() -> None:
    assert standard_vat("EE", dt.date(2023, 12, 31)) == 20
    assert standard_vat("EE", dt.date(2024, 1, 1)) == 22
    assert standard_vat("EE", dt.date(2025, 6, 30)) == 22
    assert standard_vat("EE", dt.date(2025, 7, 1)) == 24


def test_finland_went_to_twenty_five_and_a_half_percent_in_september_2024() -> None:
    assert standard_vat("FI", dt.date(2024, 8, 31)) == 24
    assert standard_vat("FI", dt.date(2024, 9, 1)) == Decimal("25.5")


def test_slovakia_went_from_twenty_to_twenty_three_percent_in_2025() -> None:
    assert standard_vat("SK", dt.date(2024, 12, 31)) == 20
    assert standard_vat("SK", dt.date(2025, 1, 1)) == 23


def test_romania_went_from_nineteen_to_twenty_one_percent_in_august_2025() -> None:
    assert standard_vat("RO", dt.date(2025, 7, 31)) == 19
    assert standard_vat("RO", dt.date(2025, 8, 1)) == 21


def test_romania_merged_its_reduced_rates_into_eleven_percent() -> None:
    table = eu_vat_rates()
    before, after = dt.date(2025, 7, 31), dt.date(2025, 8, 1)
    assert table.rate("RO", TaxCategory.SECOND_REDUCED, before).percent == 5
    assert table.rate("RO", TaxCategory.SECOND_REDUCED, after).percent == 11
    assert table.rate("RO", TaxCategory.REDUCED, after).percent == 11


def test_germany_charged_sixteen_percent_in_the_second_half_of_2020_only() -> None:
    assert standard_vat("DE", dt.date(2020, 6, 30)) == 19
    assert standard_vat("DE", dt.date(2020, 7, 1)) == 16
    assert standard_vat("DE", dt.date(2020, 12, 31)) == 16
    assert standard_vat("DE", dt.date(2021, 1, 1)) == 19
    assert eu_vat_rates().rate("DE", TaxCategory.REDUCED, dt.date(2020, 8, 1)).percent == 5


def test_luxembourg_cut_its_rates_by_one_point_for_2023() -> None:
    def rates(day: dt.date) -> list[Decimal]:
        brackets = [c for c in TaxCategory if c is not TaxCategory.EXEMPT]
        return [eu_vat_rates().rate("LU", bracket, day).percent for bracket in brackets]

    assert rates(dt.date(2022, 12, 31)) == [17, 14, 8, 3]
    assert rates(dt.date(2023, 1, 1)) == [16, 13, 7, 3]
    assert rates(dt.date(2024, 1, 1)) == [17, 14, 8, 3]


def test_finland_lowered_its_fourteen_percent_rate_to_thirteen_and_a_half_in_2026() -> None:
    table = eu_vat_rates()
    assert table.rate("FI", TaxCategory.REDUCED, dt.date(2025, 12, 31)).percent == 14
    assert table.rate("FI", TaxCategory.REDUCED, dt.date(2026, 1, 1)).percent == Decimal("13.5")


def test_a_day_before_the_table_begins_has_no_rate() -> None:
    with pytest.raises(NoRateOnDate) as caught:
        eu_vat_rates().rate("DE", STANDARD, dt.date(2019, 12, 31))
    assert caught.value.code == "no_rate_on_date"
    assert "2020-01-01" in str(caught.value)


def test_a_place_the_table_does_not_cover_has_no_rate() -> None:
    with pytest.raises(NoRateOnDate):
        eu_vat_rates().rate("CH", STANDARD, dt.date(2026, 1, 1))


def test_the_tables_state_their_source_and_compilation_date() -> None:
    eu, us = eu_vat_rates().info, us_sales_tax_rates().info
    assert "European Commission" in eu.source
    assert "TEDB" in eu.source
    assert "Tax Foundation" in us.source
    assert eu.compiled == us.compiled == dt.date(2026, 11, 22)


def test_every_state_and_dc_has_a_state_rate() -> None:
    table = us_sales_tax_rates()
    assert table.jurisdictions == set(US_STATES)
    assert len(table.jurisdictions) == 51
    for state in US_STATES:
        assert 0 <= table.rate(state, STANDARD, dt.date(2026, 1, 1)).percent <= Decimal("7.25")


def test_states_without_a_sales_tax_are_at_zero() -> None:
    table = us_sales_tax_rates()
    for state in ("AK", "DE", "MT", "NH", "OR"):
        assert table.rate(state, STANDARD, dt.date(2026, 1, 1)).percent == 0


def test_louisiana_raised_its_state_rate_to_five_percent_in_2025() -> None:
    table = us_sales_tax_rates()
    assert table.rate("LA", STANDARD, dt.date(2024, 12, 31)).percent == Decimal("4.45")
    assert table.rate("LA", STANDARD, dt.date(2025, 1, 1)).percent == 5


def test_every_category_but_exempt_takes_the_state_rate_in_the_us() -> None:
    table = us_sales_tax_rates()
    day = dt.date(2026, 1, 1)
    assert table.rate("CA", TaxCategory.REDUCED, day).percent == Decimal("7.25")
    assert table.rate("CA", TaxCategory.EXEMPT, day).percent == 0


HEADER = "# source: a test\n# compiled: 2026-01-01\n# coverage: 2020-01-01\n"
COLUMNS = "country,category,rate,valid_from,valid_to,note\n"


def table_of(rows: str, header: str = HEADER) -> RateTable:
    return RateTable.from_csv(header + COLUMNS + rows, name="test", key_column="country")


def test_a_table_reads_its_header_and_its_rows() -> None:
    table = table_of("DE,standard,19,2020-01-01,,\n")
    assert table.info.source == "a test"
    assert table.rate("DE", STANDARD, dt.date(2030, 1, 1)).percent == 19


@pytest.mark.parametrize(
    ("rows", "complaint"),
    [
        ("DE,standard,19,2020-01-01,,\nDE,standard,16,2020-07-01,,\n", "overlap"),
        ("DE,standard,19,2020-01-01,2020-07-01,\nDE,standard,16,2020-07-01,,\n", "overlap"),
        ("DE,normal,19,2020-01-01,,\n", "unknown category"),
        ("DE,exempt,0,2020-01-01,,\n", "exempt"),
        ("DE,standard,19.0e0,2020-01-01,,\n", "percentage"),
        ("DE,standard,-1,2020-01-01,,\n", "percentage"),
        ("DE,standard,100,2020-01-01,,\n", "percentage"),
        ("DE,standard,19,2020-13-01,,\n", "date"),
        ("DE,standard,19,2020-02-01,2020-01-01,\n", "before"),
        ("DE,standard,19,2019-01-01,,\n", "coverage"),
        ("de,standard,19,2020-01-01,,\n", "two-letter"),
    ],
)
def test_a_table_that_contradicts_itself_is_refused(rows: str, complaint: str) -> None:
    with pytest.raises(InvalidRateTable, match=complaint):
        table_of(rows)


def test_a_table_without_its_source_is_refused() -> None:
    with pytest.raises(InvalidRateTable, match="source"):
        table_of("DE,standard,19,2020-01-01,,\n", header="# compiled: 2026-01-01\n")
