"""The clearing file (MCF1) as docs/clearing.md specifies it: written and read back, with
its trailer's counts and totals, and every defect named by its line."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mercato.money import Currency
from mercato.network.clearing import (
    ClearingFileError,
    ClearingFileReader,
    ClearingFileWriter,
    Header,
    Kind,
)

MADE = dt.datetime(2026, 11, 2, 22, 0, 5, tzinfo=dt.UTC)
HEADER = Header("MCF-000001-mercato-issuer-20261102", "000001", "mercato-issuer", MADE.date(), MADE)
USD, EUR = Currency.of("USD"), Currency.of("EUR")


def written(records: list[tuple[Kind, str, str, int, Currency]]) -> str:
    out = io.StringIO()
    writer = ClearingFileWriter(out, HEADER)
    for record in records:
        writer.add(*record)
    writer.close()
    return out.getvalue()


def test_a_file_lists_its_records_between_a_header_and_a_trailer_with_totals() -> None:
    text = written(
        [
            (Kind.SALE, "p-1", "6306ABCDEF01", 2_000, USD),
            (Kind.SALE, "p-2", "6306ABCDEF02", 3_500, USD),
            (Kind.REFUND, "p-3", "6306ABCDEF01", 500, USD),
            (Kind.SALE, "p-4", "6306ABCDEF03", 1_234, EUR),
        ]
    )
    assert text.splitlines() == [
        "H|MCF1|MCF-000001-mercato-issuer-20261102|000001|mercato-issuer|2026-11-02|"
        "2026-11-02T22:00:05Z",
        "D|1|SALE|p-1|6306ABCDEF01|2000|USD",
        "D|2|SALE|p-2|6306ABCDEF02|3500|USD",
        "D|3|REFUND|p-3|6306ABCDEF01|500|USD",
        "D|4|SALE|p-4|6306ABCDEF03|1234|EUR",
        "T|4|EUR=1,1234,0,0;USD=2,5500,1,500",
    ]
    reader = ClearingFileReader.of(text.splitlines())
    assert reader.header == HEADER
    assert [r.presentment_id for r in reader] == ["p-1", "p-2", "p-3", "p-4"]
    assert reader.trailer.by_currency["USD"].net == 5_000


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(Kind)),
            st.integers(min_value=1, max_value=10**12),
            st.sampled_from([USD, EUR, Currency.of("JPY")]),
        ),
        max_size=30,
    )
)
def test_any_file_reads_back_as_written_and_its_totals_are_the_sums(
    records: list[tuple[Kind, int, Currency]],
) -> None:
    text = written(
        [
            (kind, f"p-{n}", f"RRN{n:09d}", amount, cur)
            for n, (kind, amount, cur) in enumerate(records)
        ]
    )
    reader = ClearingFileReader.of(text.splitlines())
    read = [(r.kind, r.amount, r.currency) for r in reader]
    assert read == records
    for currency in {cur for _, _, cur in records}:
        sales = sum(a for k, a, c in records if c == currency and k is Kind.SALE)
        refunds = sum(a for k, a, c in records if c == currency and k is Kind.REFUND)
        assert reader.trailer.by_currency[currency.code].net == sales - refunds


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda lines: lines[:-1], "line 2: the file ends before its trailer"),
        (
            lambda lines: [lines[0], lines[1].replace("|1|SALE", "|2|SALE"), lines[2]],
            "line 2: sequence 2",
        ),
        (
            lambda lines: [lines[0], lines[1].replace("|2000|", "|20.00|"), lines[2]],
            "line 2: amount",
        ),
        (lambda lines: [lines[0], lines[1].replace("|USD", "|XXX"), lines[2]], "line 2:"),
        (lambda lines: [lines[0], lines[1], "T|1|USD=1,2001,0,0"], "line 3: the trailer's totals"),
        (lambda lines: [*lines, "D|2|SALE|p-9|6306ABCDEF09|1|USD"], "line 4: nothing may follow"),
        (lambda lines: ["H|MCF2" + lines[0][6:], *lines[1:]], "line 1: expected a header"),
    ],
)
def test_a_defect_is_refused_naming_its_line(change: object, named: str) -> None:
    lines = written([(Kind.SALE, "p-1", "6306ABCDEF01", 2_000, USD)]).splitlines()
    with pytest.raises(ClearingFileError, match=named):
        list(ClearingFileReader.of(change(lines)))  # type: ignore[operator]


def test_the_writer_refuses_what_the_format_cannot_carry() -> None:
    out = io.StringIO()
    writer = ClearingFileWriter(out, HEADER)
    with pytest.raises(ClearingFileError, match="rrn"):
        writer.add(Kind.SALE, "p-1", "short", 100, USD)
    with pytest.raises(ClearingFileError, match="amount"):
        writer.add(Kind.SALE, "p-1", "6306ABCDEF01", 0, USD)
    with pytest.raises(ClearingFileError, match="id"):
        writer.add(Kind.SALE, "p|1", "6306ABCDEF01", 100, USD)
