"""Tax categories: which of a country's rates a product (or shipping) is sold at.

A shop gives each product one category. The categories are the rate brackets that EU law
allows a member state (Articles 96 to 99 and 98(2) of Council Directive 2006/112/EC as
amended by Directive (EU) 2022/542): one standard rate, up to two reduced rates, one
super-reduced rate below 5%, and exemption.

    STANDARD        most goods and services, and shipping
    REDUCED         the higher reduced rate of the country (DE 7%, FR 10%, IE 13.5%)
    SECOND_REDUCED  the lower reduced rate, where there is one (FR 5.5%, IE 9%)
    SUPER_REDUCED   a rate below 5%, where there is one (FR 2.1%, ES 4%, IE 4.8%)
    EXEMPT          never taxed (the shop decides; no table is consulted)

Danger: a bracket is a position, not a kind of product. Books are at the reduced rate in
Germany (7%) but at the second reduced rate in France (5.5%) and at the standard rate in
Denmark. A category names the bracket the shop's own country puts the product in, and the
same bracket is used in the customer's country; which bracket each country puts each kind
of product in is not modelled (see docs/tax.md).
"""

from __future__ import annotations

import enum


class TaxCategory(enum.StrEnum):
    STANDARD = "standard"
    REDUCED = "reduced"
    SECOND_REDUCED = "second_reduced"
    SUPER_REDUCED = "super_reduced"
    EXEMPT = "exempt"

    @property
    def fallbacks(self) -> tuple[TaxCategory, ...]:
        """This bracket, then the next higher ones, to use where a country lacks it.

        A country without a super-reduced rate taxes such goods at its lowest rate that is
        above it, and a country without reduced rates (Denmark) at its standard rate.
        `EXEMPT` has no bracket in any table.
        """
        if self is TaxCategory.EXEMPT:
            return (self,)
        index = _BRACKETS_LOW_TO_HIGH.index(self)
        return _BRACKETS_LOW_TO_HIGH[index:]


_BRACKETS_LOW_TO_HIGH: tuple[TaxCategory, ...] = (
    TaxCategory.SUPER_REDUCED,
    TaxCategory.SECOND_REDUCED,
    TaxCategory.REDUCED,
    TaxCategory.STANDARD,
)
