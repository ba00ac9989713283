"""docs/iso8583.md and the code describe the same bytes: the tables and the worked example of
the document are read here and compared with spec.py and with what the encoder writes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from mercato.money import Currency
from mercato.network import (
    AuthorizationRequest,
    AuthorizationResponse,
    ResponseCode,
    ThreeDSResult,
    decode,
    encode,
    framing,
    spec,
)

DOCUMENT = Path(__file__).parents[3] / "docs" / "iso8583.md"

EXAMPLE = AuthorizationRequest(
    stan=1234,
    rrn="607315001234",
    pan="4242424242424242",
    expiry="2812",
    amount=1999,
    currency=Currency.of("EUR"),
    transmitted_at=dt.datetime(2026, 3, 14, 15, 9, 26, tzinfo=dt.UTC),
    merchant_id="MERC0042",
    terminal_id="WEB00001",
    merchant_category_code="5999",
    merchant_name="Mercato Demo Shop, Lyon FR",
    acquirer_id="000001",
    cvc="123",
    three_ds=ThreeDSResult(
        "05", "AAABBEg0VhI0VniQEjRWAAAAAAA=", "0190b7e2-8a7c-7d3e-9f00-1a2b3c4d5e6f"
    ),
)


def section(title: str) -> str:
    """The text of the document's section whose heading starts with ``title``."""
    text = DOCUMENT.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/iso8583.md has no section {title!r}"
    return match.group(1)


def table(text: str, first_column: str) -> list[list[str]]:
    """The rows of the markdown table whose header starts with ``first_column``."""
    rows: list[list[str]] = []
    inside = False
    for line in text.splitlines():
        if line.startswith(f"| {first_column} |"):
            inside = True
            continue
        if inside and line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not set(cells[0]) <= {"-", " "}:
                rows.append(cells)
        elif inside:
            break
    assert rows, f"no table starting with {first_column!r}"
    return rows


def test_the_documented_authorisation_request_is_the_encoded_one_byte_for_byte() -> None:
    block = re.search(r"```text\n(.*?)```", section("7. Worked example"), re.S)
    assert block
    pieces = [line[line.index("|") : line.rindex("|") + 1] for line in block.group(1).splitlines()]
    documented = "".join(piece.replace("|", "") for piece in pieces).encode("ascii")

    assert encode(EXAMPLE) == documented
    assert len(documented) == 267
    assert framing.frame(documented)[:2] == b"\x01\x0b"
    assert decode(documented, now=EXAMPLE.transmitted_at) == EXAMPLE


def test_the_documented_approval_is_the_encoded_one() -> None:
    line = next(
        line for line in section("7. Worked example").splitlines() if line.startswith("`0110`")
    )
    documented = "".join(re.findall(r"`([^`]*)`", line.split(":")[0])).encode("ascii")
    approval = AuthorizationResponse(
        stan=1234,
        rrn="607315001234",
        response_code=ResponseCode.APPROVED,
        approval_code="A1B2C3",
        transmitted_at=dt.datetime(2026, 3, 14, 15, 9, 27, tzinfo=dt.UTC),
        cvc_result="M",
    )
    assert encode(approval) == documented


def test_every_field_has_the_documented_format_and_length() -> None:
    prefixes = {"fixed": 0, "LLVAR": 2, "LLLVAR": 3}
    documented = {
        int(number): (fmt, prefixes[length])
        for number, _name, fmt, length, _use in table(section("3. Fields"), "Field")
    }
    in_code = {number: (field.format, field.prefix) for number, field in spec.FIELDS.items()}
    assert documented == in_code


def test_every_sub_element_of_field_48_has_the_documented_format() -> None:
    documented = {
        int(tag): fmt for tag, _name, fmt, _in, _value in table(section("4. Field 48"), "Tag")
    }
    assert documented == {tag: field.format for tag, field in spec.SUBELEMENTS.items()}


def test_every_message_carries_the_documented_fields() -> None:
    rows = table(section("2. Messages"), "Field")
    header = "| Field | 0100 | 0110 | 0220 | 0230 | 0400 | 0410 | 0800 | 0810 |"
    assert header in section("2. Messages")
    mtis = header.strip("| ").split(" | ")[1:]
    for column, mti in enumerate(mtis, start=1):
        required = {int(row[0]) for row in rows if row[column] == "M"}
        optional = {int(row[0]) for row in rows if row[column] == "C"}
        layout = spec.LAYOUTS[mti]
        assert (required, optional) == (layout.required, layout.optional), mti
    assert set(mtis) == set(spec.LAYOUTS)


@pytest.mark.parametrize("code", list(ResponseCode))
def test_every_response_code_is_documented(code: ResponseCode) -> None:
    rows = table(section("6. Response codes"), "Code")
    assert [f"`{code.value}`", code.name] in [row[:2] for row in rows]
