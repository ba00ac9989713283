"""Parameters arrive as Stripe's clients send them, and bad ones are named in the error."""

from __future__ import annotations

import pytest
from pydantic import Field

from mercato.gateway.errors import InvalidRequest
from mercato.gateway.params import Params, decode_body, decode_pairs, parse


class Example(Params):
    amount: int
    capture: bool = False
    metadata: dict[str, str] = Field(default_factory=dict)
    expand: list[str] = Field(default_factory=list)


def test_brackets_build_hashes_and_lists() -> None:
    decoded = decode_pairs(
        [
            ("amount", "1000"),
            ("metadata[order]", "7"),
            ("expand[0]", "latest_charge"),
            ("expand[1]", "customer"),
            ("line_items[0][price]", "price_1"),
            ("line_items[0][quantity]", "2"),
            ("line_items[1][price]", "price_2"),
        ]
    )
    assert decoded == {
        "amount": "1000",
        "metadata": {"order": "7"},
        "expand": ["latest_charge", "customer"],
        "line_items": [{"price": "price_1", "quantity": "2"}, {"price": "price_2"}],
    }


def test_empty_brackets_append_as_curl_users_write_them() -> None:
    assert decode_pairs([("expand[]", "a"), ("expand[]", "b")]) == {"expand": ["a", "b"]}


def test_json_bodies_are_accepted_too() -> None:
    assert decode_body(b'{"amount": 1000}', "application/json") == {"amount": 1000}


def test_a_json_body_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="must be an object"):
        decode_body(b"[1, 2]", "application/json")


def test_values_are_typed_by_the_endpoints_parameters() -> None:
    parsed = parse(Example, {"amount": "1000", "capture": "true", "metadata": {"order": "7"}})
    assert (parsed.amount, parsed.capture, parsed.metadata) == (1000, True, {"order": "7"})


@pytest.mark.parametrize(
    ("params", "param", "message"),
    [
        ({"amount": "1000", "colour": "red"}, "colour", "Received unknown parameter: colour"),
        ({}, "amount", "Missing required param: amount."),
        ({"amount": "ten"}, "amount", "Invalid integer: ten"),
        (
            {"amount": "1", "metadata": {"order": ["x"]}},
            "metadata[order]",
            "Invalid metadata[order]",
        ),
    ],
)
def test_a_bad_parameter_is_named_as_the_client_wrote_it(
    params: dict[str, object], param: str, message: str
) -> None:
    with pytest.raises(
        InvalidRequest, match=message.replace("[", r"\[").replace("]", r"\]")
    ) as refused:
        parse(Example, params)
    assert refused.value.param == param


def test_a_malformed_parameter_name_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="Invalid parameter name"):
        decode_pairs([("amount]", "1")])


def test_mixing_a_value_and_a_hash_under_one_name_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="mixes a value and a hash"):
        decode_pairs([("metadata", "x"), ("metadata[a]", "1")])
