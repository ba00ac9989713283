"""What a cart or an order comes to: its lines, shipping and tax, worked out with
``mercato.tax``. Pure: no database, no web framework.

Each line is priced as the shop enters prices (with or without tax); ``calculate_tax``
taxes every line and shipping once, half-up per line, and the totals are sums of lines.
A line "shown" is what the customer reads beside it: its gross for a shop whose prices
include tax (net and gross alike once no tax is charged), its net otherwise, with the tax
added on a line of its own.

Free shipping is judged on the items at the prices the shop shows (``items``), before any
tax is taken out for a reverse charge or an export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from mercato.money import Currency, Money
from mercato.shop.shipping import ShippingRate
from mercato.tax import (
    Customer,
    OrderLine,
    Regime,
    Shop,
    TaxCategory,
    TaxedMoney,
    TaxLine,
    TaxSystem,
    calculate_tax,
)


@dataclass(frozen=True)
class Terms:
    """How a shop is taxed: where it sells from, and how it enters its prices."""

    country: str
    currency: str
    prices_include_tax: bool
    state: str | None = None
    nexus_states: frozenset[str] = field(default_factory=frozenset)

    def tax_shop(self) -> Shop:
        return Shop.of(
            self.country,
            self.currency,
            prices_include_tax=self.prices_include_tax,
            state=self.state,
            nexus_states=self.nexus_states,
        )


@dataclass(frozen=True)
class Line:
    """``quantity`` of one variant at ``unit_price`` (with or without tax, as the shop
    enters prices)."""

    reference: str
    description: str
    unit_price: Money
    quantity: int
    category: TaxCategory = TaxCategory.STANDARD

    @property
    def amount(self) -> Money:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class PricedLine:
    line: Line
    tax: TaxLine
    shown: Money


@dataclass(frozen=True)
class Totals:
    lines: tuple[PricedLine, ...]
    items: Money  # at the prices the shop shows, for the free-shipping threshold
    shipping_rate: ShippingRate | None
    shipping: TaxLine | None
    total: TaxedMoney
    regime: Regime
    system: TaxSystem
    notes: tuple[str, ...]
    prices_include_tax: bool

    @property
    def currency(self) -> Currency:
        return self.total.currency

    @property
    def tax(self) -> Money:
        return self.total.tax

    @property
    def net(self) -> Money:
        return self.total.net

    @property
    def subtotal_shown(self) -> Money:
        total = Money.zero(self.currency)
        for line in self.lines:
            total += line.shown
        return total

    @property
    def shipping_shown(self) -> Money:
        if self.shipping is None:
            return Money.zero(self.currency)
        return self.shipping.gross if self.prices_include_tax else self.shipping.net

    @property
    def tax_included(self) -> bool:
        """Whether the tax is inside the amounts shown (else it is added to them)."""
        return self.prices_include_tax

    @property
    def is_reverse_charge(self) -> bool:
        return self.regime is Regime.REVERSE_CHARGE

    @property
    def percents(self) -> list[Decimal]:
        taxed = [line.tax.percent for line in self.lines]
        if self.shipping is not None:
            taxed.append(self.shipping.percent)
        return sorted({p for p in taxed if p}, reverse=True)

    @property
    def tax_label(self) -> str:
        """ "VAT 20%", "Sales tax 7.25%", "VAT (reverse charge)"; several rates: "VAT"."""
        name = "VAT" if self.system is TaxSystem.EU_VAT else "Sales tax"
        if self.regime is Regime.REVERSE_CHARGE:
            return "VAT (reverse charge)"
        if not self.regime.charges_tax:
            return f"{name} (none charged)"
        percents = self.percents
        if len(percents) == 1:
            return f"{name} {percents[0].normalize():f}%"
        return name


def price(
    terms: Terms,
    lines: Sequence[Line],
    customer: Customer,
    rate: ShippingRate | None,
    *,
    on: dt.date,
) -> Totals:
    """The totals of ``lines`` shipped by ``rate`` to ``customer`` on the day ``on``.

    Raises ``mercato.tax`` errors (``VatNumberCountryMismatch``, ``StateRequired``...)."""
    items = Money.zero(terms.currency)
    for line in lines:
        items += line.amount
    order_lines = [
        OrderLine(line.unit_price, line.quantity, line.category, reference=line.reference)
        for line in lines
    ]
    shipping_cost = rate.cost(items) if rate is not None else None
    if shipping_cost is not None and shipping_cost.is_positive:
        order_lines.append(OrderLine.shipping(shipping_cost))
    result = calculate_tax(terms.tax_shop(), customer, order_lines, on=on)
    taxed = list(result.lines)
    shipping = taxed.pop() if len(taxed) > len(lines) else None
    priced = tuple(
        PricedLine(line, tax, tax.gross if terms.prices_include_tax else tax.net)
        for line, tax in zip(lines, taxed, strict=True)
    )
    return Totals(
        lines=priced,
        items=items,
        shipping_rate=rate,
        shipping=shipping,
        total=result.total,
        regime=result.treatment.regime,
        system=result.treatment.system,
        notes=result.notes,
        prices_include_tax=terms.prices_include_tax,
    )
