"""Form bodies as the shop's pages send them: url-encoded, small, first value wins."""

from __future__ import annotations

from urllib.parse import parse_qs

MAX_BYTES = 16_384
MAX_FIELDS = 60


def read(body: bytes, content_type: str) -> dict[str, str] | None:
    """The fields of a form, or None for a body that is not one (or too big)."""
    if len(body) > MAX_BYTES or content_type.split(";", maxsplit=1)[0].strip() != (
        "application/x-www-form-urlencoded"
    ):
        return None
    try:
        fields = parse_qs(body.decode("utf-8"), max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        return None
    return {name: values[0].strip() for name, values in fields.items()}


def quantity(text: str | None, default: int = 1) -> int | None:
    """A quantity as typed: whole and small, else None."""
    if text is None or text == "":
        return default
    if not text.isdigit() or len(text) > 4:
        return None
    return int(text)
