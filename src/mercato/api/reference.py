"""The API's reference: every endpoint's parameters in the OpenAPI document, and a page
(``/docs``) that shows them, rendered on the server with no script and nothing from a CDN.

Endpoints read their parameters themselves (Stripe's bracket notation, see
``gateway.params``), so FastAPI cannot see them; each route states its parameter model
with ``openapi_extra=form(Model)`` or ``query(Model)``, the same model the use case checks
the request against, so the document cannot drift from what is enforced.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from mercato import __version__
from mercato.gateway.params import Params

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)

router = APIRouter(include_in_schema=False)


def _schema(model: type[Params]) -> dict[str, Any]:
    return model.model_json_schema(ref_template="#/$defs/{model}")


def form(model: type[Params]) -> dict[str, Any]:
    """``openapi_extra`` for an endpoint whose body is ``model`` (form-encoded, or JSON)."""
    schema = _schema(model)
    return {
        "requestBody": {
            "required": False,
            "content": {
                "application/x-www-form-urlencoded": {"schema": schema},
                "application/json": {"schema": schema},
            },
        }
    }


def query(model: type[Params]) -> dict[str, Any]:
    """``openapi_extra`` for an endpoint whose query string is ``model``."""
    schema = _schema(model)
    required = set(schema.get("required", []))
    return {
        "parameters": [
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": {k: v for k, v in prop.items() if k != "title"},
            }
            for name, prop in schema.get("properties", {}).items()
        ]
    }


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    required: bool
    description: str


def _type_of(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        return "hash"
    if "anyOf" in prop:
        kinds = [_type_of(option, defs) for option in prop["anyOf"] if option.get("type") != "null"]
        return " or ".join(dict.fromkeys(kinds)) or "null"
    kind = prop.get("type", "any")
    if kind == "object":
        return "hash"
    if kind == "array":
        return f"array of {_type_of(prop.get('items', {}), defs)}"
    return str(kind)


def _flatten(
    schema: dict[str, Any], defs: dict[str, Any], prefix: str = "", depth: int = 0
) -> list[Parameter]:
    """Parameters in bracket notation: ``card[number]``, ``billing_details[address][city]``."""
    found: list[Parameter] = []
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        full = f"{prefix}[{name}]" if prefix else name
        found.append(
            Parameter(full, _type_of(prop, defs), name in required, prop.get("description", ""))
        )
        target = prop
        for option in prop.get("anyOf", []):
            if "$ref" in option:
                target = option
        if "$ref" in target and depth < 3:
            nested = defs.get(target["$ref"].rsplit("/", 1)[-1], {})
            found.extend(_flatten(nested, defs, full, depth + 1))
    return found


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    parameters: list[Parameter]


def endpoints(document: dict[str, Any]) -> dict[str, list[Endpoint]]:
    """The document's endpoints by tag, each with its parameters flattened."""
    grouped: dict[str, list[Endpoint]] = {}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            parameters: list[Parameter] = []
            body = operation.get("requestBody", {}).get("content", {})
            schema = body.get("application/x-www-form-urlencoded", {}).get("schema")
            if schema:
                parameters = _flatten(schema, schema.get("$defs", {}))
            for given in operation.get("parameters", []):
                if given.get("in") == "query":
                    parameters.append(
                        Parameter(
                            given["name"],
                            _type_of(given.get("schema", {}), {}),
                            given.get("required", False),
                            "",
                        )
                    )
            tag = (operation.get("tags") or ["other"])[0]
            grouped.setdefault(tag, []).append(
                Endpoint(method.upper(), path, operation.get("summary", ""), parameters)
            )
    return grouped


@router.get("/docs", response_class=HTMLResponse)
def reference_page(request: Request) -> HTMLResponse:
    document = request.app.openapi()
    page = _TEMPLATES.get_template("reference.html").render(
        version=__version__, groups=endpoints(document)
    )
    return HTMLResponse(page)
