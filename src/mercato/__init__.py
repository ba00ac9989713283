"""Mercato: the whole e-commerce transaction process, from cart to the merchant's bank."""

__version__ = "0.1.0"
