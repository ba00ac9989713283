"""Tax: EU VAT and US state sales tax on an order, from rate tables kept in the repository.

Pure: no database, no web framework, no network. The checkout builds a `Shop`, a
`Customer` and `OrderLine`s, and calls `calculate_tax`:

    >>> import datetime as dt
    >>> from mercato.money import Money
    >>> from mercato.tax import Customer, OrderLine, Shop, TaxCategory, calculate_tax
    >>> shop = Shop.of("DE", "EUR", prices_include_tax=True)
    >>> book = OrderLine(Money.of_minor(2140, "EUR"), 1, TaxCategory.REDUCED)
    >>> result = calculate_tax(shop, Customer.of("DE"), [book], on=dt.date(2026, 11, 2))
    >>> line = result.lines[0]
    >>> str(line.percent), str(line.net), str(line.tax), str(line.gross)
    ('7', '20.00 EUR', '1.40 EUR', '21.40 EUR')

Business customers in another member state give a VAT number (checked offline with
python-stdnum) and are reverse charged; `result.notes` then holds the sentence the invoice
must carry. Every rounding is half-up, once per line. See docs/tax.md for the rules, what
is left out, and where the rates come from.
"""

from mercato.tax.calculation import RateSummary, TaxLine, TaxResult, calculate_tax
from mercato.tax.categories import TaxCategory
from mercato.tax.errors import (
    InvalidOrderLine,
    InvalidRateTable,
    InvalidVatNumber,
    NoRateOnDate,
    StateRequired,
    TaxError,
    UnknownCountry,
    UnknownState,
    UnsupportedShopLocation,
    VatNumberCountryMismatch,
)
from mercato.tax.jurisdictions import EU_MEMBER_STATES, US_STATES, country_code, us_state_code
from mercato.tax.rate_table import (
    AppliedRate,
    RatePeriod,
    RateTable,
    TableInfo,
    eu_vat_rates,
    us_sales_tax_rates,
)
from mercato.tax.sale import Customer, LineKind, OrderLine, Shop
from mercato.tax.taxed_money import TaxedMoney
from mercato.tax.treatment import (
    EU_EXPORT_NOTE,
    REVERSE_CHARGE_NOTE,
    US_EXPORT_NOTE,
    Regime,
    TaxSystem,
    Treatment,
    decide_treatment,
)
from mercato.tax.vat_number import VatNumber, parse_vat_number

__all__ = [
    "EU_EXPORT_NOTE",
    "EU_MEMBER_STATES",
    "REVERSE_CHARGE_NOTE",
    "US_EXPORT_NOTE",
    "US_STATES",
    "AppliedRate",
    "Customer",
    "InvalidOrderLine",
    "InvalidRateTable",
    "InvalidVatNumber",
    "LineKind",
    "NoRateOnDate",
    "OrderLine",
    "RatePeriod",
    "RateSummary",
    "RateTable",
    "Regime",
    "Shop",
    "StateRequired",
    "TableInfo",
    "TaxCategory",
    "TaxError",
    "TaxLine",
    "TaxResult",
    "TaxSystem",
    "TaxedMoney",
    "Treatment",
    "UnknownCountry",
    "UnknownState",
    "UnsupportedShopLocation",
    "VatNumber",
    "VatNumberCountryMismatch",
    "calculate_tax",
    "country_code",
    "decide_treatment",
    "eu_vat_rates",
    "parse_vat_number",
    "us_sales_tax_rates",
    "us_state_code",
]
