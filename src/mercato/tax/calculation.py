"""Tax on an order: one tax line per order line, and the totals.

    >>> import datetime as dt
    >>> from mercato.money import Money
    >>> from mercato.tax import Customer, OrderLine, Shop, calculate_tax
    >>> shop = Shop.of("DE", "EUR", prices_include_tax=False)
    >>> order = calculate_tax(
    ...     shop, Customer.of("FR"), [OrderLine(Money.of_minor(1000, "EUR"), 3)],
    ...     on=dt.date(2026, 11, 2),
    ... )
    >>> order.treatment.regime.value, str(order.total.tax), str(order.total.gross)
    ('eu_distance_sale', '6.00 EUR', '36.00 EUR')

The rules, line by line (see `treatment.py` for which regime applies):

- A sale that bears tax takes the rate of the treatment's jurisdiction for the line's
  category on the day of supply. Prices entered without tax: the tax is added to the
  line's net. Prices entered with tax: the line's amount is the gross, whatever the rate,
  and the tax in it is extracted, so the customer pays the price shown and
  net + tax == gross exactly.
- A sale that bears none (reverse charge, export, a US state without nexus) charges 0%.
  Prices entered with tax then lose the tax of the shop's own jurisdiction that they
  include: the customer pays the net price.
- Rounding: half-up, once per line, on the line's amount (unit price times quantity); the
  totals are sums of the lines, never rounded again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from mercato.money import Money
from mercato.tax.categories import TaxCategory
from mercato.tax.errors import InvalidOrderLine
from mercato.tax.rate_table import RateTable, TableInfo, eu_vat_rates, us_sales_tax_rates
from mercato.tax.sale import Customer, OrderLine, Shop
from mercato.tax.taxed_money import TaxedMoney
from mercato.tax.treatment import Regime, TaxSystem, Treatment, decide_treatment
from mercato.tax.vat_number import VatNumber


@dataclass(frozen=True, slots=True)
class TaxLine:
    """The tax on one order line.

    `percent` is the rate charged (0 when no tax is charged); `applied_category` the
    bracket it came from, which differs from the line's category where the jurisdiction
    has no such bracket and the next higher one was used.
    """

    line: OrderLine
    percent: Decimal
    applied_category: TaxCategory
    amount: TaxedMoney

    @property
    def net(self) -> Money:
        return self.amount.net

    @property
    def tax(self) -> Money:
        return self.amount.tax

    @property
    def gross(self) -> Money:
        return self.amount.gross


@dataclass(frozen=True, slots=True)
class RateSummary:
    """One row of an invoice's tax breakdown: the lines at one rate, summed."""

    percent: Decimal
    amount: TaxedMoney


@dataclass(frozen=True, slots=True)
class TaxResult:
    """The tax of a whole order: its treatment, its lines, and its totals."""

    treatment: Treatment
    lines: tuple[TaxLine, ...]
    total: TaxedMoney
    on: dt.date
    customer_vat_number: VatNumber | None
    rates_source: TableInfo

    @property
    def is_reverse_charge(self) -> bool:
        return self.treatment.regime is Regime.REVERSE_CHARGE

    @property
    def notes(self) -> tuple[str, ...]:
        """What the invoice and receipt must say (the reverse-charge sentence, ...)."""
        return self.treatment.notes

    def by_rate(self) -> tuple[RateSummary, ...]:
        """The lines summed per rate, highest rate first: the invoice's tax breakdown."""
        sums: dict[Decimal, TaxedMoney] = {}
        for line in self.lines:
            key = line.percent  # equal Decimals hash alike: 19 and 19.0 are one rate
            sums[key] = sums[key] + line.amount if key in sums else line.amount
        return tuple(RateSummary(p, sums[p]) for p in sorted(sums, reverse=True))


def calculate_tax(
    shop: Shop,
    customer: Customer,
    lines: Iterable[OrderLine],
    *,
    on: dt.date,
    vat_rates: RateTable | None = None,
    sales_tax_rates: RateTable | None = None,
) -> TaxResult:
    """The tax of an order by `shop` to `customer`, supplied on the day `on`.

    `on` is the calendar day of supply in the shop's time zone (a `datetime` is refused:
    the caller decides which day it is). The rate tables default to the ones kept in the
    repository. Rounding: half-up per line (see the module's docstring).

    Raises `InvalidOrderLine` (a line in another currency), `NoRateOnDate`,
    `VatNumberCountryMismatch` and `StateRequired`; the values themselves were checked when
    the shop, customer and lines were built.
    """
    if isinstance(on, dt.datetime) or not isinstance(on, dt.date):
        raise TypeError(f"on is the date of supply, not {on!r}")
    order_lines = _checked_lines(lines, shop)
    treatment = decide_treatment(shop, customer)
    if treatment.system is TaxSystem.EU_VAT:
        table = vat_rates or eu_vat_rates()
    else:
        table = sales_tax_rates or us_sales_tax_rates()
    tax_lines = tuple(_tax_line(line, shop, treatment, table, on) for line in order_lines)
    total = TaxedMoney.zero(shop.currency)
    for tax_line in tax_lines:
        total = total + tax_line.amount
    return TaxResult(
        treatment=treatment,
        lines=tax_lines,
        total=total,
        on=on,
        customer_vat_number=customer.vat_number,
        rates_source=table.info,
    )


def _tax_line(
    line: OrderLine, shop: Shop, treatment: Treatment, table: RateTable, on: dt.date
) -> TaxLine:
    amount = line.amount
    if treatment.regime.charges_tax:
        rate = table.rate(treatment.jurisdiction, line.category, on)
        taxed = (
            TaxedMoney.from_gross(amount, rate.percent)
            if shop.prices_include_tax
            else TaxedMoney.from_net(amount, rate.percent)
        )
        return TaxLine(line, rate.percent, rate.applied_category, taxed)
    if shop.prices_include_tax:
        # The entered price includes the shop's own tax; a sale without tax sells at net.
        home = table.rate(treatment.home, line.category, on)
        amount = TaxedMoney.from_gross(amount, home.percent).net
    return TaxLine(line, Decimal(0), line.category, TaxedMoney.untaxed(amount))


def _checked_lines(lines: Iterable[OrderLine], shop: Shop) -> Sequence[OrderLine]:
    if isinstance(lines, OrderLine):
        raise TypeError("lines is a sequence of OrderLine; wrap a single line in a list")
    checked = list(lines)
    for index, line in enumerate(checked):
        if not isinstance(line, OrderLine):
            raise TypeError(f"lines[{index}] is not an OrderLine: {line!r}")
        if line.unit_price.currency != shop.currency:
            raise InvalidOrderLine(
                f"line {index} is priced in {line.unit_price.currency.code}, but the shop "
                f"sells in {shop.currency.code}",
                param=f"lines[{index}].unit_price",
            )
    return checked
