"""What tax is worked out for: the shop, the customer, and the lines of the order.

All three are immutable values that check themselves when built: a country code that
names no country, a US shop without its state, a quantity below one are refused with a
`TaxError` (or a `TypeError` for a value of the wrong type) before any rate is looked up.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from mercato.money import Currency, Money
from mercato.tax.categories import TaxCategory
from mercato.tax.errors import InvalidOrderLine, UnsupportedShopLocation
from mercato.tax.jurisdictions import UNITED_STATES, country_code, is_eu_member, us_state_code
from mercato.tax.vat_number import VatNumber, parse_vat_number


@dataclass(frozen=True, slots=True)
class Shop:
    """Where the shop sells from, how it enters prices, and where it collects US tax.

    `country` must be an EU member state or "US". A US shop names its `state`; it collects
    sales tax in that state and in `nexus_states`, the other states where it is registered
    to collect (physical presence, or sales over a state's economic-nexus threshold: the
    merchant decides and configures it). Prices are entered in `currency`, including tax
    when `prices_include_tax`, else excluding it.
    """

    country: str
    currency: Currency
    prices_include_tax: bool
    state: str | None = None
    nexus_states: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        country = country_code(self.country, param="shop.country")
        if country != UNITED_STATES and not is_eu_member(country):
            raise UnsupportedShopLocation(
                f"tax is worked out for shops in an EU member state or the US, not {country}",
                param="shop.country",
            )
        if not isinstance(self.prices_include_tax, bool):
            raise TypeError("prices_include_tax is a bool")
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "currency", Currency.of(self.currency))
        if isinstance(self.nexus_states, str):
            raise TypeError("nexus_states is a set of state codes, not one str")
        if country == UNITED_STATES:
            home = us_state_code(self.state, param="shop.state")
            nexus = {us_state_code(code, param="shop.nexus_states") for code in self.nexus_states}
            object.__setattr__(self, "state", home)
            object.__setattr__(self, "nexus_states", frozenset(nexus | {home}))
        elif self.state is not None or self.nexus_states:
            raise UnsupportedShopLocation(
                "only a US shop has a state and nexus states", param="shop.state"
            )

    @classmethod
    def of(
        cls,
        country: str,
        currency: str | Currency,
        *,
        prices_include_tax: bool,
        state: str | None = None,
        nexus_states: Iterable[str] = (),
    ) -> Shop:
        """A shop from plain values: `Shop.of("DE", "EUR", prices_include_tax=True)`."""
        return cls(
            country, Currency.of(currency), prices_include_tax, state, frozenset(nexus_states)
        )

    @property
    def is_in_eu(self) -> bool:
        return is_eu_member(self.country)


@dataclass(frozen=True, slots=True)
class Customer:
    """Where the goods go, and the VAT number a business customer gives.

    `country` is the ship-to country; `state` matters for the US only. A customer with a
    `vat_number` is a business; without one, a consumer.
    """

    country: str
    state: str | None = None
    vat_number: VatNumber | None = None

    def __post_init__(self) -> None:
        country = country_code(self.country, param="customer.country")
        object.__setattr__(self, "country", country)
        if country == UNITED_STATES and self.state is not None:
            object.__setattr__(self, "state", us_state_code(self.state, param="customer.state"))
        if self.vat_number is not None and not isinstance(self.vat_number, VatNumber):
            raise TypeError("vat_number is a VatNumber: build one with parse_vat_number")

    @classmethod
    def of(
        cls, country: str, *, state: str | None = None, vat_number: str | None = None
    ) -> Customer:
        """A customer from what a checkout form gives; a blank VAT number means none.

        Raises `InvalidVatNumber` for a VAT number with a wrong format or check digits.
        """
        number = parse_vat_number(vat_number) if vat_number and vat_number.strip() else None
        return cls(country, state, number)

    @property
    def is_business(self) -> bool:
        return self.vat_number is not None


class LineKind(enum.StrEnum):
    PRODUCT = "product"
    SHIPPING = "shipping"


@dataclass(frozen=True, slots=True)
class OrderLine:
    """`quantity` units at `unit_price`, sold at `category`'s rate.

    `unit_price` includes tax or not as the shop's `prices_include_tax` says. `reference`
    (a SKU, a product id) is carried to the tax line for the caller's use.
    """

    unit_price: Money
    quantity: int
    category: TaxCategory = TaxCategory.STANDARD
    kind: LineKind = LineKind.PRODUCT
    reference: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.unit_price, Money):
            raise TypeError(f"unit_price is Money, not {self.unit_price!r}")
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise TypeError(f"a quantity is an int, not {self.quantity!r}")
        if self.quantity < 1:
            raise InvalidOrderLine(
                f"a quantity is at least 1, not {self.quantity}", param="quantity"
            )
        if self.unit_price.is_negative:
            # A discount lowers the price of the lines it applies to, before tax; a negative
            # line would take tax off at whatever rate it happened to carry.
            raise InvalidOrderLine(
                f"a unit price is never negative (got {self.unit_price})", param="unit_price"
            )
        try:
            object.__setattr__(self, "category", TaxCategory(self.category))
            object.__setattr__(self, "kind", LineKind(self.kind))
        except ValueError as error:
            raise InvalidOrderLine(str(error), param="category") from None

    @classmethod
    def shipping(
        cls,
        price: Money,
        *,
        category: TaxCategory = TaxCategory.STANDARD,
        reference: str = "shipping",
    ) -> OrderLine:
        """Shipping as one line, at the standard rate unless another category is given.

        EU law taxes a delivery at the rate of the goods delivered, so a shop selling only
        reduced-rate goods passes that category; a US shop in a state that does not tax
        separately stated delivery charges passes `TaxCategory.EXEMPT`.
        """
        return cls(price, 1, category, LineKind.SHIPPING, reference)

    @property
    def amount(self) -> Money:
        """unit_price * quantity. Exact: no rounding."""
        return self.unit_price * self.quantity
