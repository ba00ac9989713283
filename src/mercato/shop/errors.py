"""What can go wrong in the shop, designed once; the pages turn each into a message.

ShopError                       shop_error
├── NotFound                    not_found          no such shop, product, variant or order
├── OutOfStock                  out_of_stock       fewer left than asked for
├── QuantityLimit               quantity_limit     below 1, or above what one order takes
├── CartClosed                  cart_closed        the cart was already paid for
├── PricesChanged               prices_changed     a price moved since the customer saw it
├── EmptyCart                   empty_cart         nothing to check out
├── InvalidCheckout             invalid_checkout   fields of the checkout form, each with a message
└── CannotShip                  cannot_ship        no shipping rate for that country
"""

from __future__ import annotations


class ShopError(Exception):
    """Base class of every error the shop raises on purpose; ``message`` is for people."""

    code = "shop_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ShopError):
    code = "not_found"


class OutOfStock(ShopError):
    """``available`` units of ``name`` are left, fewer than asked for."""

    code = "out_of_stock"

    def __init__(self, name: str, available: int) -> None:
        if available <= 0:
            message = f"Sorry, {name} is out of stock."
        else:
            message = f"Sorry, only {available} of {name} left: you can have at most {available}."
        super().__init__(message)
        self.name = name
        self.available = available


class QuantityLimit(ShopError):
    code = "quantity_limit"


class CartClosed(ShopError):
    code = "cart_closed"


class PricesChanged(ShopError):
    code = "prices_changed"


class EmptyCart(ShopError):
    code = "empty_cart"


class InvalidCheckout(ShopError):
    """The checkout form, with a message per field (``field`` -> text)."""

    code = "invalid_checkout"

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("Please check the highlighted fields.")
        self.fields = fields


class CannotShip(ShopError):
    code = "cannot_ship"
