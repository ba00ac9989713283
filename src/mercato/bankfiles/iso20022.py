"""What the ISO 20022 messages (pain.001, pain.002, camt.053) share: schemas, safe parsing,
amounts as decimal text, and reading an element tree with errors that say where.

Every document is checked against its published XSD, kept in ``schemas/``, both when
Mercato writes it and when Mercato reads one. Reading is done with lxml with entity
resolution, DTD loading and network access off; a document carrying a DOCTYPE is refused
outright, so no entity expansion trick can reach the parser behind the checks.
"""

from __future__ import annotations

import datetime as dt
import functools
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

from mercato.bankfiles.errors import AmountOutOfRange, BadRecord, SchemaViolation

NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:"


def namespace(message: str) -> str:
    """The XML namespace of a message definition, e.g. ``pain.001.001.03``."""
    return NAMESPACE_PREFIX + message


@functools.cache
def _schema(message: str) -> Any:
    path = resources.files("mercato.bankfiles").joinpath("schemas", f"{message}.xsd")
    with resources.as_file(path) as file:
        return etree.XMLSchema(etree.parse(str(file), _parser()))


def _parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def validate(document: bytes, message: str) -> None:
    """Check `document` against the message's XSD; `SchemaViolation` names the first fault."""
    try:
        tree = etree.fromstring(document, _parser())
    except etree.XMLSyntaxError as error:
        where = f"{message} line {error.lineno}"
        raise SchemaViolation(where, f"not well-formed: {error.msg}") from None
    if tree.getroottree().docinfo.doctype:
        raise SchemaViolation(f"{message} line 1", "a document type declaration is not allowed")
    expected = namespace(message)
    if etree.QName(tree).namespace != expected:
        raise SchemaViolation(
            f"{message} line {tree.sourceline}",
            f"the document is in namespace {etree.QName(tree).namespace!r}, not {expected!r}",
        )
    schema = _schema(message)
    if not schema.validate(tree):
        fault = schema.error_log[0]
        raise SchemaViolation(f"{message} line {fault.line}", str(fault.message))


def parse(document: bytes, message: str) -> ET.Element:
    """The root of a `document` that is valid against the message's XSD."""
    validate(document, message)
    # Safe: lxml parsed it first with entities off, and refused any DOCTYPE.
    return ET.fromstring(document)  # noqa: S314


def serialize(root: ET.Element, message: str) -> bytes:
    """UTF-8 bytes of a document built with unqualified tags, in the message's namespace."""
    root.set("xmlns", namespace(message))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    document = f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()
    validate(document, message)
    return document


def unqualified(root: ET.Element) -> ET.Element:
    """`root` with every tag's namespace taken off, ready for `serialize`."""
    for node in root.iter():
        node.tag = node.tag.rpartition("}")[2]
    return root


def element(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    """A child element of `parent`, with text and attributes if given."""
    child = ET.SubElement(parent, tag, attrib)
    if text is not None:
        child.text = text
    return child


def format_amount(minor: int, exponent: int) -> str:
    """Minor units as ISO 20022 decimal text: 12345 cents at exponent 2 is ``123.45``."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError("amounts are ints of minor units")
    if minor < 0:
        raise AmountOutOfRange(f"ISO 20022 amounts are never negative, not {minor}")
    if exponent == 0:
        return str(minor)
    digits = str(minor).rjust(exponent + 1, "0")
    return f"{digits[:-exponent]}.{digits[-exponent:]}"


def parse_amount(text: str, exponent: int, where: str) -> int:
    """Decimal text as minor units; more decimals than the currency has is refused."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise BadRecord(where, f"amount {text!r} is not a decimal number") from None
    if not value.is_finite() or value < 0:
        raise BadRecord(where, f"amount {text!r} is not a finite, positive amount")
    minor = value.scaleb(exponent)
    if minor != minor.to_integral_value():
        raise BadRecord(where, f"amount {text!r} is not a whole number of minor units")
    return int(minor)


def parse_date(text: str, where: str) -> dt.date:
    """An ISO 8601 date, without the time zone an XSD date may carry (``2026-03-03+01:00``)."""
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise BadRecord(where, f"{text!r} is not an ISO 8601 date") from None


def format_datetime(moment: dt.datetime) -> str:
    """An aware time as ISO 8601 in UTC, to the second: ``2026-03-02T09:30:00+00:00``."""
    if moment.tzinfo is None:
        raise ValueError("times written to bank files must be timezone-aware")
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def parse_datetime(text: str, where: str) -> dt.datetime:
    """An ISO 8601 time; one without a zone is taken as UTC."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadRecord(where, f"{text!r} is not an ISO 8601 date and time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


class Tree:
    """Reads a parsed message: paths are written without namespace, errors say where."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.ns = {"d": namespace(message)}

    def _path(self, path: str) -> str:
        return "/".join(f"d:{step}" if step not in {".", ""} else step for step in path.split("/"))

    def find(self, node: ET.Element, path: str) -> ET.Element | None:
        return node.find(self._path(path), self.ns)

    def all(self, node: ET.Element, path: str) -> list[ET.Element]:
        return node.findall(self._path(path), self.ns)

    def text(self, node: ET.Element, path: str, where: str) -> str:
        found = self.find(node, path)
        if found is None or not (found.text or "").strip():
            raise BadRecord(f"{where}/{path}", "is missing")
        return (found.text or "").strip()

    def optional(self, node: ET.Element, path: str) -> str | None:
        found = self.find(node, path)
        if found is None:
            return None
        return (found.text or "").strip() or None
