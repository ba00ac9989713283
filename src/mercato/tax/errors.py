"""What can go wrong when tax is worked out, designed once for the whole package.

    ValueError
    └── TaxError                      tax_error
        ├── UnknownCountry            unknown_country         not an ISO 3166-1 alpha-2 code
        ├── UnknownState              unknown_state           not one of the 50 US states or DC
        ├── StateRequired             state_required          a US address without its state
        ├── UnsupportedShopLocation   unsupported_shop_location  a shop outside the EU and US
        ├── NoRateOnDate              no_rate_on_date         the table has no rate for that day
        ├── InvalidVatNumber          invalid_vat_number      format or check digits wrong
        ├── VatNumberCountryMismatch  vat_number_country_mismatch
        ├── InvalidOrderLine          invalid_order_line      negative quantity, wrong currency...
        └── InvalidRateTable          invalid_rate_table      a data file that contradicts itself

Each class carries a short, stable `code`, so that the API's edge can turn any of them into
an error response (with `param` where one is known) without knowing the class. Like the
money package's errors they derive from `ValueError`: each one means "this value is not
acceptable". A float where an amount belongs is a programming mistake, not a bad value,
and is refused with a `TypeError` by the money package.
"""

from __future__ import annotations


class TaxError(ValueError):
    """Base class of every error the tax package raises on purpose."""

    code = "tax_error"

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param  # which input was wrong, for the API's error object


class UnknownCountry(TaxError):
    """The text is not an ISO 3166-1 alpha-2 country code (XK, Kosovo, is accepted)."""

    code = "unknown_country"


class UnknownState(TaxError):
    """The text is not the postal code of a US state or of the District of Columbia."""

    code = "unknown_state"


class StateRequired(TaxError):
    """A US shop or a US customer was given without the state the rate depends on."""

    code = "state_required"


class UnsupportedShopLocation(TaxError):
    """Tax is worked out for shops in an EU member state or a US state only."""

    code = "unsupported_shop_location"


class NoRateOnDate(TaxError):
    """The rate table has no rate for that place and category on that day."""

    code = "no_rate_on_date"


class InvalidVatNumber(TaxError):
    """The VAT number's format or check digits are wrong.

    `reason` says which: "format", "length", "checksum" or "country" (a prefix that names
    no VAT area). No registry is asked: a number that passes may still not be registered.
    """

    code = "invalid_vat_number"

    def __init__(self, message: str, *, reason: str, param: str | None = "vat_number") -> None:
        super().__init__(message, param=param)
        self.reason = reason


class VatNumberCountryMismatch(TaxError):
    """A business's VAT number is of another member state than the one the goods go to."""

    code = "vat_number_country_mismatch"


class InvalidOrderLine(TaxError):
    """A line cannot be taxed: quantity below one, a negative price, another currency."""

    code = "invalid_order_line"


class InvalidRateTable(TaxError):
    """A rate table's data is malformed or contradicts itself (overlapping periods...)."""

    code = "invalid_rate_table"
