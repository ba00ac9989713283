"""What a cart comes to: lines, shipping and tax with ``mercato.tax``, shown as the shop
prices (with or without tax), free shipping judged on the prices shown."""

from __future__ import annotations

import datetime as dt

from mercato.gateway.checkout_records import MAX_QUANTITY
from mercato.money import Money
from mercato.shop import stock
from mercato.shop.checkout import _session_lines
from mercato.shop.shipping import ShippingRate
from mercato.shop.totals import Line, Terms, price
from mercato.tax import Customer, TaxCategory

ON = dt.date(2026, 11, 2)
GERMAN_SHOP = Terms("DE", "EUR", prices_include_tax=True)
COLORADO_SHOP = Terms(
    "US", "USD", prices_include_tax=False, state="CO", nexus_states=frozenset({"CA"})
)


def eur(minor: int) -> Money:
    return Money.of_minor(minor, "EUR")


def usd(minor: int) -> Money:
    return Money.of_minor(minor, "USD")


EU_RATE = ShippingRate("eu", "EU", frozenset({"DE", "FR"}), eur(990), free_over=eur(10000))
US_RATE = ShippingRate("us", "US Ground", frozenset({"US"}), usd(795), free_over=usd(7500))
JACKET = Line("var_1", "Rain Jacket (M)", eur(14900), 1)
BEANS = Line("var_2", "Coffee beans", eur(1450), 2, TaxCategory.REDUCED)


def test_a_german_customer_pays_the_prices_shown_with_german_vat_inside() -> None:
    totals = price(GERMAN_SHOP, [JACKET], Customer.of("DE"), EU_RATE, on=ON)
    assert totals.total.gross == eur(14900)  # free shipping over €100
    assert totals.tax == eur(2379)  # 149.00 * 19 / 119, half-up
    assert totals.tax_label == "VAT 19%"
    assert totals.shipping_shown == eur(0)


def test_a_french_consumer_pays_the_same_prices_with_french_vat_inside() -> None:
    totals = price(GERMAN_SHOP, [BEANS], Customer.of("FR"), EU_RATE, on=ON)
    assert totals.subtotal_shown == eur(2900)
    assert totals.shipping_shown == eur(990)
    assert totals.total.gross == eur(3890)
    # 10% (France's higher reduced rate) on the beans, 20% on the shipping.
    assert totals.tax == eur(264 + 165)
    assert totals.tax_label == "VAT"  # two rates


def test_a_french_business_with_a_vat_number_is_reverse_charged_at_net_prices() -> None:
    business = Customer.of("FR", vat_number="FR40303265045")
    totals = price(GERMAN_SHOP, [JACKET], business, EU_RATE, on=ON)
    assert totals.is_reverse_charge
    assert totals.tax == eur(0)
    assert totals.total.gross == eur(12521)  # the German VAT taken out of 149.00
    assert totals.shipping_shown == eur(0)  # the threshold is judged on the shown price
    assert totals.tax_label == "VAT (reverse charge)"
    assert any("Reverse charge" in note for note in totals.notes)


def test_a_us_shop_adds_sales_tax_where_it_has_nexus_and_none_elsewhere() -> None:
    boots = Line("var_3", "Boots (42)", usd(17900), 1)
    california = price(COLORADO_SHOP, [boots], Customer.of("US", state="CA"), US_RATE, on=ON)
    assert california.net == usd(17900)
    assert california.tax == usd(1298)  # 7.25%, half-up
    assert california.total.gross == usd(19198)
    assert california.tax_label == "Sales tax 7.25%"
    texas = price(COLORADO_SHOP, [boots], Customer.of("US", state="TX"), US_RATE, on=ON)
    assert texas.tax == usd(0)
    assert texas.total.gross == usd(17900)


def test_the_hosted_page_lines_add_up_to_the_order_to_the_cent() -> None:
    from mercato.shop.catalog import Shop

    shop = Shop("shop_1", "acct_1", "s", "S", None, GERMAN_SHOP, (EU_RATE,))
    for lines, customer in (
        ([JACKET, BEANS], Customer.of("FR")),
        ([Line("v", "Odd", eur(999), 3)], Customer.of("FR", vat_number="FR40303265045")),
        ([Line("v", "Mug", eur(2900), 1)], Customer.of("DE")),
    ):
        totals = price(GERMAN_SHOP, lines, customer, EU_RATE, on=ON)
        session = _session_lines(shop, totals)
        charged = sum(line["price_data"]["unit_amount"] * line["quantity"] for line in session)
        assert charged == totals.total.gross.minor
        assert all(1 <= line["quantity"] <= MAX_QUANTITY for line in session)


def test_stock_is_described_honestly() -> None:
    assert stock.label(0) == "Out of stock"
    assert stock.label(-1) == "Out of stock"
    assert stock.label(3) == "Only 3 left"
    assert stock.label(5) == "Only 5 left"
    assert stock.label(6) == "In stock"
