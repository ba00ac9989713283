"""Checkout: the customer's details read and checked, then, in one transaction, the stock
reserved, the order made, and a Checkout Session opened at the gateway for the customer to
pay on its hosted page.

The session is made by the gateway's own use case (``checkout_sessions.create``), called
in-process in the order's transaction and acting for the shop's merchant, with every line
in ``price_data`` form at the shop's own amounts: each item at its net, shipping at its
net, and the tax on a line of its own, so the session's total is the order's to the cent
whatever the tax rules did. ``client_reference_id`` and ``metadata[order_id]`` name the
order: the shop finds it again from the gateway's ``checkout.session.completed`` event.

A second press of Pay (same cart, same version, same details) finds the order the first
made, and its session: one order, one session, one charge.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway import checkout_sessions
from mercato.gateway.ids import new_id
from mercato.money import Money
from mercato.shop import addresses, cart, orders, stock, totals
from mercato.shop.addresses import Address
from mercato.shop.catalog import Shop
from mercato.shop.errors import (
    CannotShip,
    EmptyCart,
    InvalidCheckout,
    OutOfStock,
    PricesChanged,
)
from mercato.shop.shipping import choose
from mercato.shop.tables import order_lines
from mercato.shop.tables import orders as orders_table
from mercato.tax import (
    Customer,
    InvalidVatNumber,
    TaxError,
    TaxLine,
    VatNumberCountryMismatch,
)

SESSION_LIFETIME = dt.timedelta(minutes=30)
"""How long the customer has to pay (the gateway's shortest session)."""
RESERVATION = SESSION_LIFETIME + dt.timedelta(minutes=2)
"""Stock is held a little past the session's end, so a session never outlives its stock."""


@dataclass(frozen=True)
class Details:
    email: str
    shipping: Address
    billing: Address
    rate_id: str | None
    vat_number: str | None

    def customer(self) -> Customer:
        """The tax customer; raises ``InvalidVatNumber`` for a bad number."""
        return Customer.of(
            self.shipping.country, state=self.shipping.state, vat_number=self.vat_number
        )


def _prefixed(fields: Mapping[str, str], prefix: str) -> dict[str, str]:
    return {name: fields.get(f"{prefix}{name}", "") for name in addresses.FIELDS}


def read_details(fields: Mapping[str, str]) -> Details:
    """The checkout form's details, or ``InvalidCheckout`` with a message per field
    (``shipping_postal_code``, ``vat_number``...)."""
    problems: dict[str, str] = {}
    email = fields.get("email", "").strip()
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        problems["email"] = "Enter your e-mail address, such as name@example.com."
    shipping = addresses.read(_prefixed(fields, "shipping_"))
    if isinstance(shipping, dict):
        problems |= {f"shipping_{name}": text for name, text in shipping.items()}
    billing: Address | dict[str, str] | None = None
    if fields.get("billing_same", "") in ("1", "on", "yes"):
        billing = shipping
    else:
        billing = addresses.read(_prefixed(fields, "billing_"))
        if isinstance(billing, dict):
            problems |= {f"billing_{name}": text for name, text in billing.items()}
    vat_number = " ".join(fields.get("vat_number", "").split()) or None
    if vat_number is not None:
        try:
            Customer.of("DE", vat_number=vat_number)
        except InvalidVatNumber:
            problems["vat_number"] = (
                "This VAT number is not valid: check the country prefix and the digits "
                "(such as FR40303265045), or leave it empty to buy as a consumer."
            )
    if problems or isinstance(shipping, dict) or isinstance(billing, dict):
        raise InvalidCheckout(problems)
    return Details(email, shipping, billing, fields.get("shipping_rate") or None, vat_number)


def price_cart(shop: Shop, current: cart.Cart, details: Details, on: dt.date) -> totals.Totals:
    """The order's totals for these details; ``InvalidCheckout`` if the tax rules refuse
    them (a VAT number of another country than the one the goods go to)."""
    rate = choose(shop.rates, details.shipping.country, details.rate_id)
    if rate is None:
        raise CannotShip(f"Sorry, we don't ship to {details.shipping.country_name} yet.")
    try:
        return totals.price(shop.terms, current.totals_lines(), details.customer(), rate, on=on)
    except VatNumberCountryMismatch:
        raise InvalidCheckout(
            {
                "vat_number": "A business VAT number must be from the country the goods are "
                f"shipped to ({details.shipping.country_name}). Leave it empty to buy as a "
                "consumer."
            }
        ) from None
    except TaxError as error:
        raise InvalidCheckout({"shipping_country": error.message}) from None


def estimate(
    shop: Shop,
    current: cart.Cart,
    country: str,
    *,
    today: dt.date,
    state: str | None = None,
    rate_id: str | None = None,
) -> totals.Totals | None:
    """The cart's totals for a consumer in ``country`` (and ``state``), before the
    customer has given an address; None while they cannot be known (a US state not yet
    chosen, a country the shop does not ship to, an empty cart)."""
    rate = choose(shop.rates, country, rate_id)
    if current.is_empty or rate is None:
        return None
    try:
        customer = Customer.of(country, state=state)
        return totals.price(shop.terms, current.totals_lines(), customer, rate, on=today)
    except TaxError:
        return None


def _same_details(found: Any, details: Details, rate_name: str) -> bool:
    return bool(
        found.email == details.email
        and found.shipping_address == details.shipping.as_dict()
        and found.billing_address == details.billing.as_dict()
        and found.vat_number == details.vat_number
        and found.shipping_name == rate_name
    )


def _reserve(connection: Connection, current: cart.Cart) -> None:
    for line in current.lines:
        if not stock.reserve(connection, line.variant.id, line.quantity):
            available = stock.available(connection, line.variant.id)
            raise OutOfStock(line.description, available)


def _session_line(currency: str, name: str, amount: Money, quantity: int = 1) -> dict[str, Any]:
    """A ``price_data`` line; an amount that does not split evenly goes as one line."""
    if amount.minor % quantity:
        name, unit, quantity = f"{name} \N{MULTIPLICATION SIGN} {quantity}", amount.minor, 1
    else:
        unit = amount.minor // quantity
    return {
        "price_data": {
            "currency": currency,
            "unit_amount": unit,
            "tax_behavior": "exclusive",
            "product_data": {"name": name[:250]},
        },
        "quantity": quantity,
    }


def _session_lines(shop: Shop, priced: totals.Totals) -> list[dict[str, Any]]:
    currency = shop.currency.lower()
    lines = [
        _session_line(currency, line.line.description, line.tax.net, line.line.quantity)
        for line in priced.lines
    ]
    if priced.shipping is not None and priced.shipping.net.is_positive:
        rate = priced.shipping_rate
        name = f"Shipping ({rate.name})" if rate is not None else "Shipping"
        lines.append(_session_line(currency, name, priced.shipping.net))
    if priced.tax.is_positive:
        lines.append(_session_line(currency, priced.tax_label, priced.tax))
    return lines


def _insert_order(
    connection: Connection,
    clock: Clock,
    shop: Shop,
    current: cart.Cart,
    *,
    details: Details,
    priced: totals.Totals,
) -> tuple[str, str]:
    order_id, key, now = new_id("ord"), secrets.token_urlsafe(24), clock.now()
    rate = priced.shipping_rate
    connection.execute(
        sa.insert(orders_table).values(
            id=order_id,
            shop_id=shop.id,
            merchant_id=shop.merchant_id,
            cart_id=current.id,
            cart_version=current.version,
            status=orders.PENDING,
            access_key=key,
            email=details.email,
            shipping_address=details.shipping.as_dict(),
            billing_address=details.billing.as_dict(),
            vat_number=details.vat_number,
            shipping_name=rate.name if rate is not None else "",
            currency=shop.currency.lower(),
            amount_net=priced.net.minor,
            amount_tax=priced.tax.minor,
            amount_total=priced.total.gross.minor,
            tax_regime=priced.regime.value,
            tax_notes=list(priced.notes),
            stock_status="held",
            reserved_until=now + RESERVATION,
            created_at=now,
        )
    )
    price_ids = {line.variant.id: line.variant.price_id for line in current.lines}
    taxed: list[tuple[str, str | None, TaxLine]] = [
        ("product", line.line.description, line.tax) for line in priced.lines
    ]
    if priced.shipping is not None:
        name = f"Shipping ({rate.name})" if rate is not None else "Shipping"
        taxed.append(("shipping", name, priced.shipping))
    connection.execute(
        sa.insert(order_lines),
        [
            {
                "id": new_id("ol"),
                "order_id": order_id,
                "position": position,
                "kind": kind,
                "variant_id": tax.line.reference if kind == "product" else None,
                "price_id": price_ids.get(tax.line.reference) if kind == "product" else None,
                "description": (description or "")[:300],
                "quantity": tax.line.quantity,
                "unit_amount": tax.line.unit_price.minor,
                "net": tax.net.minor,
                "tax": tax.tax.minor,
                "gross": tax.gross.minor,
                "tax_percent": f"{tax.percent.normalize():f}",
            }
            for position, (kind, description, tax) in enumerate(taxed)
        ],
    )
    return order_id, key


def place_order(
    connection: Connection,
    clock: Clock,
    shop: Shop,
    cart_id: str,
    details: Details,
    *,
    shop_base: str,
    gateway_base: str,
) -> str:
    """Reserve the cart's stock, make the order and its Checkout Session; returns the
    session's ``url``, where the customer pays. ``shop_base`` is the shop's own address
    (``https://host/shop/slug``), ``gateway_base`` the gateway's.

    Raises ``EmptyCart``, ``PricesChanged``, ``OutOfStock``, ``CannotShip``,
    ``InvalidCheckout`` and ``CartClosed``; then nothing is reserved or made."""
    cart.lock_open(connection, shop, cart_id)  # one checkout of a cart at a time
    current = cart.load(connection, shop, cart_id)
    if current.is_empty:
        raise EmptyCart("Your cart is empty.")
    if current.price_changes:
        raise PricesChanged("Some prices changed since you added the items. Please check them.")
    now = clock.now()
    priced = price_cart(shop, current, details, now.date())
    rate_name = priced.shipping_rate.name if priced.shipping_rate is not None else ""
    for earlier in connection.execute(
        sa.select(orders_table)
        .where(orders_table.c.cart_id == cart_id, orders_table.c.status == orders.PENDING)
        .with_for_update()
    ).all():
        if (
            earlier.cart_version == current.version
            and earlier.stock_status == "held"
            and earlier.reserved_until > now + dt.timedelta(minutes=5)
            and _same_details(earlier, details, rate_name)
            and earlier.session_url is not None
        ):
            return str(earlier.session_url)  # Pay pressed again: the same order
        orders.release_stock(connection, earlier, orders.REPLACED)
    _reserve(connection, current)
    order_id, key = _insert_order(connection, clock, shop, current, details=details, priced=priced)
    session = checkout_sessions.create(
        connection,
        checkout_sessions.acting_for(shop.merchant_id),
        {
            "mode": "payment",
            "line_items": _session_lines(shop, priced),
            "success_url": f"{shop_base}/orders/{order_id}?key={key}",
            "cancel_url": f"{shop_base}/cart",
            "customer_email": details.email,
            "client_reference_id": order_id,
            "metadata": {"order_id": order_id, "shop": shop.slug},
            "expires_at": int(now.timestamp()) + int(SESSION_LIFETIME.total_seconds()),
            "payment_intent_data": {
                "description": f"{shop.name} order {order_id}",
                "metadata": {"order_id": order_id},
            },
        },
        clock,
        hosted_base=gateway_base,
    )
    connection.execute(
        sa.update(orders_table)
        .where(orders_table.c.id == order_id)
        .values(session_id=session["id"], session_url=session["url"])
    )
    return str(session["url"])
