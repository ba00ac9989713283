"""``metadata``: the merchant's own key-value pairs on an object, with Stripe's limits and
its way of unsetting (a key set to "" is removed; ``metadata=""`` removes them all)."""

from __future__ import annotations

from typing import Any

from mercato.gateway.errors import InvalidRequest

MAX_KEYS = 50
MAX_KEY_LENGTH = 40
MAX_VALUE_LENGTH = 500


def merged(current: dict[str, str], update: Any) -> dict[str, str]:
    """``current`` with ``update`` applied, as Stripe applies a metadata parameter."""
    if update is None:
        return current
    if update == "":
        return {}
    if not isinstance(update, dict):
        raise InvalidRequest(
            "Invalid metadata: must be a hash of keys and values.", param="metadata"
        )
    result = dict(current)
    for key, value in update.items():
        if not isinstance(value, str | int | float | bool):
            raise InvalidRequest(
                f"Invalid metadata[{key}]: must be a string.", param=f"metadata[{key}]"
            )
        if len(str(key)) > MAX_KEY_LENGTH:
            raise InvalidRequest(
                f"Metadata keys can be at most {MAX_KEY_LENGTH} characters.",
                param=f"metadata[{key}]",
            )
        text = (
            value
            if isinstance(value, str)
            else str(value).lower()
            if isinstance(value, bool)
            else str(value)
        )
        if len(text) > MAX_VALUE_LENGTH:
            raise InvalidRequest(
                f"Metadata values can be at most {MAX_VALUE_LENGTH} characters.",
                param=f"metadata[{key}]",
            )
        if text == "":
            result.pop(str(key), None)
        else:
            result[str(key)] = text
    if len(result) > MAX_KEYS:
        raise InvalidRequest(f"Metadata can have at most {MAX_KEYS} keys.", param="metadata")
    return result
