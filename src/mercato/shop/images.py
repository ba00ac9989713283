"""Placeholder product images: an SVG drawn from the product's name and colour, so a demo
catalog looks like one without any photographs. Pure; the page serves it from the shop's
own address, which the Content-Security-Policy allows."""

from __future__ import annotations

import hashlib
from xml.sax.saxutils import escape

_SHAPES = (
    '<path d="M60 250 L160 110 L210 180 L250 130 L340 250 Z" fill="{light}"/>',  # mountains
    '<circle cx="200" cy="170" r="80" fill="{light}"/>',
    '<rect x="110" y="90" width="180" height="160" rx="24" fill="{light}"/>',
    '<path d="M200 80 L300 250 L100 250 Z" fill="{light}"/>',
)


def _lighter(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*((c + 255) // 2 for c in (red, green, blue)))


def placeholder_svg(name: str, colour: str) -> str:
    """A 400 by 300 picture: the colour, a shape chosen by the name, and the name's initials."""
    if len(colour) != 7 or not colour.startswith("#"):
        colour = "#64748b"
    shape = _SHAPES[hashlib.sha256(name.encode()).digest()[0] % len(_SHAPES)]
    initials = "".join(word[0] for word in name.split()[:2]).upper()
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" role="img" '
        f'aria-label="{escape(name, {chr(34): "&quot;"})}">'
        f'<rect width="400" height="300" fill="{colour}"/>'
        + shape.format(light=_lighter(colour))
        + '<text x="200" y="190" text-anchor="middle" font-family="system-ui, sans-serif" '
        f'font-size="64" font-weight="700" fill="#ffffff" opacity=".9">{escape(initials)}</text>'
        "</svg>"
    )
