"""Which tax a sale bears, and where: the place-of-supply rules, for goods.

An EU shop (Council Directive 2006/112/EC):

    customer outside the EU                                  EXPORT            0%, Art. 146
    customer in the shop's country                           DOMESTIC          shop's rate
    customer in another member state, with a VAT number
        of that member state                                 REVERSE_CHARGE    0%, Art. 196
    customer in another member state, without one            EU_DISTANCE_SALE  customer's rate

    (Distance sales are taxed where the goods arrive, Art. 33, declared through the
    One-Stop-Shop. The EUR 10,000 EU-wide threshold below which a small seller may charge
    its own rate, Art. 59c, is not applied: every distance sale is taxed at destination.)

A US shop (state-level sales tax only; destination-based, as every state with a sales tax
sources remote sales):

    customer outside the US                                  EXPORT            0%
    ship-to state where the shop has nexus                   US_SALES_TAX      that state's rate
    ship-to state where it has none                          US_NO_NEXUS       0%; the buyer
                                                                               may owe use tax

Business customers in the US are taxed like consumers (resale and exemption certificates
are out of scope).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from mercato.tax.errors import VatNumberCountryMismatch
from mercato.tax.jurisdictions import UNITED_STATES, US_STATES, is_eu_member, us_state_code
from mercato.tax.sale import Customer, Shop

REVERSE_CHARGE_NOTE = (
    "Reverse charge: VAT to be accounted for by the recipient, "
    "Article 196 Council Directive 2006/112/EC"
)
EU_EXPORT_NOTE = (
    "Export of goods outside the EU: exempt from VAT, "
    "Article 146(1)(a) Council Directive 2006/112/EC"
)
US_EXPORT_NOTE = "Export outside the United States: no US sales tax charged"


class Regime(enum.StrEnum):
    DOMESTIC = "domestic"
    EU_DISTANCE_SALE = "eu_distance_sale"
    REVERSE_CHARGE = "reverse_charge"
    EXPORT = "export"
    US_SALES_TAX = "us_sales_tax"
    US_NO_NEXUS = "us_no_nexus"

    @property
    def charges_tax(self) -> bool:
        """Whether the seller charges tax (possibly at a 0% rate, as in Oregon)."""
        return self in (Regime.DOMESTIC, Regime.EU_DISTANCE_SALE, Regime.US_SALES_TAX)


class TaxSystem(enum.StrEnum):
    EU_VAT = "eu_vat"
    US_SALES_TAX = "us_sales_tax"


@dataclass(frozen=True, slots=True)
class Treatment:
    """How a sale is taxed: the regime, whose rates apply, and what the invoice must say.

    `jurisdiction` is the key into the system's rate table: an EU country ("FR") or a US
    state ("CA"). `home` is the shop's own jurisdiction, whose rate is the tax included in
    prices entered with tax. `notes` are sentences the invoice or receipt must carry.
    """

    regime: Regime
    system: TaxSystem
    jurisdiction: str
    home: str
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """ "FR" for a country, "US-CA" for a state."""
        if self.system is TaxSystem.US_SALES_TAX:
            return f"{UNITED_STATES}-{self.jurisdiction}"
        return self.jurisdiction


def decide_treatment(shop: Shop, customer: Customer) -> Treatment:
    """The regime of a sale by `shop` to `customer`, by the rules in this module's docstring.

    Raises `VatNumberCountryMismatch` when a business in another member state gives a VAT
    number of a third one, and `StateRequired` when a US shop's customer has no state.
    """
    if shop.is_in_eu:
        return _eu_treatment(shop, customer)
    return _us_treatment(shop, customer)


def _eu_treatment(shop: Shop, customer: Customer) -> Treatment:
    home = shop.country

    def treatment(regime: Regime, jurisdiction: str, *notes: str) -> Treatment:
        return Treatment(regime, TaxSystem.EU_VAT, jurisdiction, home, notes)

    if not is_eu_member(customer.country):
        return treatment(Regime.EXPORT, home, EU_EXPORT_NOTE)
    if customer.country == home:
        return treatment(Regime.DOMESTIC, home)
    number = customer.vat_number
    if number is None:
        return treatment(Regime.EU_DISTANCE_SALE, customer.country)
    if number.country != customer.country:
        # The intra-Community acquisition is taxed where the goods arrive, under the VAT
        # number the buyer holds there; a number of a third state would leave it untaxed.
        raise VatNumberCountryMismatch(
            f"the VAT number {number} is of {number.country}, but the goods go to "
            f"{customer.country}: give a VAT number of {customer.country}, or none",
            param="customer.vat_number",
        )
    return treatment(Regime.REVERSE_CHARGE, customer.country, REVERSE_CHARGE_NOTE)


def _us_treatment(shop: Shop, customer: Customer) -> Treatment:
    assert shop.state is not None  # a US shop always has one: Shop checks it
    home = shop.state
    if customer.country != UNITED_STATES:
        return Treatment(Regime.EXPORT, TaxSystem.US_SALES_TAX, home, home, (US_EXPORT_NOTE,))
    state = us_state_code(customer.state, param="customer.state")
    if state in shop.nexus_states:
        return Treatment(Regime.US_SALES_TAX, TaxSystem.US_SALES_TAX, state, home)
    note = (
        f"No sales tax collected: the seller is not registered to collect in "
        f"{US_STATES[state]}; the buyer may owe use tax there"
    )
    return Treatment(Regime.US_NO_NEXUS, TaxSystem.US_SALES_TAX, state, home, (note,))
