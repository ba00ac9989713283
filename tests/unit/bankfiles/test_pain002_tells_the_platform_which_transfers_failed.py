"""The bank answers a pain.001 with a pain.002: which transfers it rejected, and why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bankfile_examples import DEBTOR, EFFECTIVE, NOW, sepa_payout
from lxml import etree  # type: ignore[import-untyped]

from mercato.bankfiles.errors import DuplicateReference, InvalidReference, SchemaViolation
from mercato.bankfiles.pain001 import CreditTransferInitiation, read_pain001, write_pain001
from mercato.bankfiles.pain002 import (
    Rejection,
    StatusReason,
    describe_status_reason,
    read_pain002,
    write_pain002,
)

SCHEMAS = Path(__file__).parents[3] / "src" / "mercato" / "bankfiles" / "schemas"
ANSWERED = dt.datetime(2026, 3, 3, 7, 0, tzinfo=dt.UTC)


def ingested() -> CreditTransferInitiation:
    """What the bank read from the platform's payout file: three transfers."""
    document = write_pain001(
        [sepa_payout("PO-1", 12345), sepa_payout("PO-2", 500), sepa_payout("PO-3", 700)],
        debtor=DEBTOR,
        message_id="MERCATO-20260302-1",
        created_at=NOW,
        execution_date=EFFECTIVE,
    )
    return read_pain001(document)


def answer(original: CreditTransferInitiation, rejections: list[Rejection]) -> bytes:
    return write_pain002(original, rejections, message_id="BANK-STS-1", created_at=ANSWERED)


def test_the_report_is_valid_against_the_published_pain002_schema() -> None:
    original = ingested()
    document = answer(original, [Rejection(original.payments[0], StatusReason.CLOSED_ACCOUNT)])
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "pain.002.001.03.xsd")))
    assert schema.validate(etree.fromstring(document)), schema.error_log


def test_the_platform_learns_which_payouts_failed_why_and_for_how_much() -> None:
    original = ingested()
    rejections = [
        Rejection(original.payments[0], StatusReason.INCORRECT_ACCOUNT_NUMBER),
        Rejection(original.payments[2], StatusReason.CLOSED_ACCOUNT),
    ]
    report = read_pain002(answer(original, rejections))
    assert report.message_id == "BANK-STS-1"
    assert report.created_at == ANSWERED
    assert report.original_message_id == "MERCATO-20260302-1"
    assert report.original_message_type == "pain.001.001.03"
    assert report.group_status == "PART"
    assert [(t.end_to_end_id, t.status, t.reason_code, t.amount) for t in report.transactions] == [
        ("PO-1", "RJCT", "AC01", 12345),
        ("PO-3", "RJCT", "AC04", 700),
    ]
    assert report.transactions[0].reason == "Incorrect account number"
    assert report.transactions[1].reason == "Closed account number"
    assert report.transactions[0].creditor_iban == original.payments[0].iban
    assert report.transactions[0].payment_information_id == "MERCATO-20260302-1"


def test_the_group_status_says_how_the_whole_file_fared() -> None:
    original = ingested()
    assert read_pain002(answer(original, [])).group_status == "ACSC"
    everything = [Rejection(p, StatusReason.NOT_SPECIFIED) for p in original.payments]
    assert read_pain002(answer(original, everything)).group_status == "RJCT"


def test_a_transfer_rejected_twice_or_not_in_the_file_is_refused() -> None:
    original = ingested()
    twice = [Rejection(original.payments[0], StatusReason.CLOSED_ACCOUNT)] * 2
    with pytest.raises(DuplicateReference):
        answer(original, twice)
    stranger = read_pain001(
        write_pain001(
            [sepa_payout("PO-9", 1)],
            debtor=DEBTOR,
            message_id="OTHER",
            created_at=NOW,
            execution_date=EFFECTIVE,
        )
    ).payments[0]
    with pytest.raises(InvalidReference, match="PO-9"):
        answer(original, [Rejection(stranger, StatusReason.CLOSED_ACCOUNT)])


def test_a_reason_code_not_listed_is_kept_and_named_plainly() -> None:
    original = ingested()
    document = answer(original, [Rejection(original.payments[1], StatusReason.BLOCKED_ACCOUNT)])
    report = read_pain002(document.replace(b"<Cd>AC06</Cd>", b"<Cd>BE05</Cd>"))
    assert report.transactions[0].reason_code == "BE05"
    assert report.transactions[0].reason == "status reason BE05"
    assert describe_status_reason("AM04") == "Insufficient funds"


def test_a_report_that_breaks_the_schema_is_refused() -> None:
    original = ingested()
    document = answer(original, [Rejection(original.payments[0], StatusReason.DUPLICATE)])
    with pytest.raises(SchemaViolation, match="TxSts"):
        read_pain002(document.replace(b"<TxSts>RJCT</TxSts>", b"<TxSts>NOPE</TxSts>"))
