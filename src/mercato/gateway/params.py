"""Request parameters as Stripe's clients send them, and their validation.

Bodies are form-encoded with brackets for structure: ``metadata[order]=7``,
``expand[]=latest_charge`` or ``expand[0]=latest_charge``, ``line_items[0][price]=price_1``.
JSON bodies are accepted too. Every endpoint states its parameters as a pydantic model
that forbids unknown ones, and a failure names the parameter the way the client wrote it
(``metadata[order]``), as Stripe's errors do.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from mercato.gateway.errors import InvalidRequest

_PATH = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_MAX_DEPTH = 8
_MAX_PARAMETERS = 1000


def _path(key: str) -> list[str]:
    match = _PATH.match(key)
    if match is None:
        raise InvalidRequest(f"Invalid parameter name: {key}", param=key)
    parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
    if len(parts) > _MAX_DEPTH:
        raise InvalidRequest(f"Parameter nested too deeply: {key}", param=key)
    return parts


def _listify(node: Any) -> Any:
    """Turn dicts keyed by indices ("0", "1", ...; or appended with "[]") into lists."""
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value) for key, value in node.items()}
    if converted and all(isinstance(key, int) for key in converted):
        return [converted[index] for index in sorted(converted)]
    return converted


def decode_pairs(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Nested parameters from flat ``key[sub][0]=value`` pairs."""
    if len(pairs) > _MAX_PARAMETERS:
        raise InvalidRequest(f"Too many parameters (more than {_MAX_PARAMETERS}).")
    root: dict[Any, Any] = {}
    for key, value in pairs:
        parts = _path(key)
        node = root
        for position, part in enumerate(parts):
            last = position == len(parts) - 1
            name: Any = part
            if part == "":
                name = len(node)  # "expand[]": the next index
            elif part.isdigit() and position > 0:
                name = int(part)
            if last:
                node[name] = value
            else:
                child = node.setdefault(name, {})
                if not isinstance(child, dict):
                    raise InvalidRequest(
                        f"Invalid parameter: {key} mixes a value and a hash", param=parts[0]
                    )
                node = child
    decoded = _listify(root)
    assert isinstance(decoded, dict)
    return decoded


def decode_body(body: bytes, content_type: str) -> dict[str, Any]:
    """The parameters of a request body, form-encoded or JSON."""
    if not body.strip():
        return {}
    if content_type.split(";", maxsplit=1)[0].strip() == "application/json":
        try:
            parsed = json.loads(body)
        except json.JSONDecodeError as error:
            raise InvalidRequest(f"Invalid JSON body: {error.msg}") from None
        if not isinstance(parsed, dict):
            raise InvalidRequest("The JSON body must be an object.")
        return parsed
    try:
        text = body.decode()
    except UnicodeDecodeError:
        raise InvalidRequest("The body is not valid UTF-8.") from None
    return decode_pairs(parse_qsl(text, keep_blank_values=True, max_num_fields=_MAX_PARAMETERS))


def decode_query(query_string: str) -> dict[str, Any]:
    return decode_pairs(parse_qsl(query_string, keep_blank_values=True))


def _whole_number(value: Any) -> Any:
    """Digits only for an amount: pydantic would read "25.00" as 25, and a merchant who
    meant 25 euros would sell for 25 cents."""
    if isinstance(value, str) and not re.fullmatch(r"-?[0-9]+", value.strip()):
        raise PydanticCustomError("int_parsing", "Input should be a valid integer")
    if isinstance(value, float):  # a JSON body's 25.0
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


MinorUnits = Annotated[int, BeforeValidator(_whole_number)]
"""An amount in minor units as a parameter: digits only, as Stripe reads it."""


class Params(BaseModel):
    """Base of every endpoint's parameters: unknown ones are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Model = TypeVar("Model", bound=Params)


def _param_name(location: tuple[int | str, ...]) -> str:
    head, *rest = (str(part) for part in location)
    return head + "".join(f"[{part}]" for part in rest)


def parse(model: type[Model], params: dict[str, Any]) -> Model:
    """``params`` checked against ``model``, or an ``InvalidRequest`` naming the parameter."""
    try:
        return model.model_validate(params)
    except ValidationError as failure:
        error = failure.errors()[0]
        location = tuple(
            part for part in error["loc"] if not (isinstance(part, str) and "[" in part)
        )
        name = _param_name(location) if location else None
        kind = error["type"]
        if kind == "extra_forbidden":
            message = f"Received unknown parameter: {name}"
        elif kind == "missing":
            message = f"Missing required param: {name}."
        elif kind.startswith("int"):
            message = f"Invalid integer: {error.get('input')!s:.40}"
        elif kind.startswith("bool"):
            message = f"Invalid boolean: {error.get('input')!s:.40}"
        else:
            message = f"Invalid {name}: {error['msg']}"
        code = (
            "parameter_unknown"
            if kind == "extra_forbidden"
            else ("parameter_missing" if kind == "missing" else "parameter_invalid")
        )
        raise InvalidRequest(message, code=code, param=name) from None
