"""The PDF receipt: a Jinja2 template rendered to HTML, and WeasyPrint's PDF of it.

The template is rendered with autoescape on (a product's name is the merchant's text) and
WeasyPrint fetches nothing: the stylesheet is inline in the document and any URL it meets
is refused, so a receipt never reaches out to the network while it is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from mercato.mail.facts import Receipt
from mercato.money import Money

TEMPLATES = Path(__file__).parent / "templates"

environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(("html",)),
    undefined=jinja2.StrictUndefined,
)
environment.filters["money"] = Money.format


def filename(receipt: Receipt) -> str:
    return f"receipt-{receipt.number}.pdf"


def values(receipt: Receipt) -> dict[str, Any]:
    return {"receipt": receipt, "paid_on": receipt.paid_at.strftime("%-d %B %Y")}


def render_html(receipt: Receipt) -> str:
    return environment.get_template("receipt.pdf.html").render(values(receipt))


def _refuse(url: str, *_args: Any, **_kwargs: Any) -> Any:
    raise ValueError(f"a receipt fetches nothing ({url[:40]!r})")


def render_pdf(receipt: Receipt) -> bytes:
    """The receipt as a PDF document."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # slow to import: worker only

    pdf: bytes = HTML(string=render_html(receipt), url_fetcher=_refuse).write_pdf()
    return pdf
