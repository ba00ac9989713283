"""The EUR payout file: a pain.001.001.03 valid against its XSD, read back by the bank."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bankfile_examples import DEBTOR, EFFECTIVE, NOW, sepa_payout, sepa_payouts
from hypothesis import given, settings
from lxml import etree  # type: ignore[import-untyped]

from mercato.bankfiles.accounts import SepaAccount
from mercato.bankfiles.errors import (
    AmountOutOfRange,
    BadRecord,
    ControlMismatch,
    DuplicateReference,
    EmptyFile,
    InvalidReference,
    SchemaViolation,
    UnsupportedText,
)
from mercato.bankfiles.pain001 import MAX_AMOUNT, SepaPayout, read_pain001, write_pain001

SCHEMAS = Path(__file__).parents[3] / "src" / "mercato" / "bankfiles" / "schemas"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def write(payouts: list[SepaPayout], message_id: str = "MERCATO-20260302-1") -> bytes:
    return write_pain001(
        payouts, debtor=DEBTOR, message_id=message_id, created_at=NOW, execution_date=EFFECTIVE
    )


def test_the_file_is_valid_against_the_published_pain001_schema() -> None:
    document = write([sepa_payout("PO-1", 12345), sepa_payout("PO-2", 99)])
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "pain.001.001.03.xsd")))
    assert schema.validate(etree.fromstring(document)), schema.error_log


def test_the_header_carries_mercatos_message_id_clock_time_counts_and_sum() -> None:
    root = etree.fromstring(write([sepa_payout("PO-1", 12345), sepa_payout("PO-2", 99)]))
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header.findtext("p:MsgId", namespaces=NS) == "MERCATO-20260302-1"
    assert header.findtext("p:CreDtTm", namespaces=NS) == "2026-03-02T09:30:00+00:00"
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "2"
    assert header.findtext("p:CtrlSum", namespaces=NS) == "124.44"
    information = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert information.findtext("p:PmtInfId", namespaces=NS) == "MERCATO-20260302-1"
    assert information.findtext("p:PmtMtd", namespaces=NS) == "TRF"
    assert information.findtext("p:BtchBookg", namespaces=NS) == "false"  # one booking each
    assert information.findtext("p:ReqdExctnDt", namespaces=NS) == "2026-03-03"
    assert information.findtext("p:PmtTpInf/p:SvcLvl/p:Cd", namespaces=NS) == "SEPA"
    assert information.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == DEBTOR.account.iban
    assert information.findtext("p:ChrgBr", namespaces=NS) == "SLEV"


def test_the_same_payouts_at_the_same_time_make_the_same_file() -> None:
    payouts = [sepa_payout("PO-1", 12345)]
    assert write(payouts) == write(payouts)


def test_the_bank_reads_back_every_payment() -> None:
    payouts = [
        sepa_payout("PO-1", 12345, "Müller & Söhne GmbH"),
        SepaPayout(
            "PO-2", 1, "Café Łódź", SepaAccount("BE71096123456769"), remittance="March payout"
        ),
    ]
    initiation = read_pain001(write(payouts))
    assert initiation.message_id == "MERCATO-20260302-1"
    assert initiation.created_at == NOW
    assert initiation.control_sum == 12346
    assert initiation.number_of_transactions == 2
    first, second = initiation.payments
    assert (first.end_to_end_id, first.amount, first.name) == ("PO-1", 12345, "Muller + Sohne GmbH")
    assert first.iban == payouts[0].account.iban
    assert first.remittance == "PO-1"  # the end-to-end id, when no remittance is given
    assert (second.name, second.bic, second.remittance) == ("Cafe Lodz", "GKCCBEBB", "March payout")
    assert second.execution_date == EFFECTIVE
    assert second.debtor_iban == DEBTOR.account.iban


@settings(max_examples=25, deadline=None)
@given(payouts=sepa_payouts())
def test_any_payouts_round_trip_and_the_control_sum_is_their_sum(
    payouts: list[SepaPayout],
) -> None:
    initiation = read_pain001(write(payouts))
    assert [(p.end_to_end_id, p.amount, p.iban) for p in initiation.payments] == [
        (p.end_to_end_id, p.amount, p.account.iban) for p in payouts
    ]
    assert initiation.control_sum == sum(p.amount for p in payouts)
    assert initiation.number_of_transactions == len(payouts)


@pytest.mark.parametrize("amount", [0, -1, MAX_AMOUNT + 1])
def test_an_amount_outside_the_sepa_range_is_refused(amount: int) -> None:
    with pytest.raises(AmountOutOfRange, match="PO-1"):
        write([sepa_payout("PO-1", amount)])


def test_the_largest_sepa_transfer_is_written_to_the_cent() -> None:
    initiation = read_pain001(write([sepa_payout("PO-1", MAX_AMOUNT)]))
    assert initiation.payments[0].amount == 999_999_999_99


def test_refusals_of_what_a_sepa_file_cannot_carry() -> None:
    with pytest.raises(EmptyFile):
        write([])
    with pytest.raises(DuplicateReference):
        write([sepa_payout("PO-1"), sepa_payout("PO-1")])
    with pytest.raises(InvalidReference):
        write([sepa_payout("po_1")])  # "_" is not in the EPC character set
    with pytest.raises(InvalidReference):
        write([sepa_payout("PO-1")], message_id="M" * 36)
    with pytest.raises(UnsupportedText):
        write([sepa_payout("PO-1", name="Москва ООО")])  # noqa: RUF001 -- Cyrillic on purpose


def test_a_file_whose_control_sum_is_wrong_is_refused() -> None:
    document = write([sepa_payout("PO-1", 12345)]).replace(
        b"<CtrlSum>123.45</CtrlSum>", b"<CtrlSum>123.46</CtrlSum>", 1
    )
    with pytest.raises(ControlMismatch) as refused:
        read_pain001(document)
    assert refused.value.where == "GrpHdr/CtrlSum"


def test_a_file_whose_count_is_wrong_is_refused() -> None:
    document = write([sepa_payout("PO-1", 12345)]).replace(
        b"<NbOfTxs>1</NbOfTxs>", b"<NbOfTxs>2</NbOfTxs>", 1
    )
    with pytest.raises(ControlMismatch, match="number of transactions is 2"):
        read_pain001(document)


def test_a_transfer_in_another_currency_is_refused() -> None:
    document = write([sepa_payout("PO-1", 12345)]).replace(b'Ccy="EUR"', b'Ccy="USD"')
    with pytest.raises(BadRecord, match="not EUR"):
        read_pain001(document)


def test_an_amount_with_fractions_of_a_cent_is_refused() -> None:
    document = write([sepa_payout("PO-1", 12345)]).replace(
        b">123.45</InstdAmt>", b">123.455</InstdAmt>"
    )
    with pytest.raises(BadRecord, match="whole number of minor units"):
        read_pain001(document)


def test_a_file_that_breaks_the_schema_is_refused_naming_the_line() -> None:
    document = write([sepa_payout("PO-1", 12345)]).replace(
        b"<ChrgBr>SLEV</ChrgBr>", b"<ChrgBr>XXXX</ChrgBr>"
    )
    with pytest.raises(SchemaViolation) as refused:
        read_pain001(document)
    assert refused.value.where.startswith("pain.001.001.03 line ")
    assert "ChrgBr" in refused.value.problem


@pytest.mark.parametrize(
    "document",
    [
        b"not xml",
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>',
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><Document>&e;</Document>',
    ],
    ids=["not XML", "another message", "a DOCTYPE"],
)
def test_what_is_not_a_pain001_is_refused(document: bytes) -> None:
    with pytest.raises(SchemaViolation):
        read_pain001(document)


def test_the_creation_time_must_say_its_time_zone() -> None:
    with pytest.raises(ValueError, match="timezone"):
        write_pain001(
            [sepa_payout()],
            debtor=DEBTOR,
            message_id="M1",
            created_at=dt.datetime(2026, 3, 2, 9, 30),  # noqa: DTZ001
            execution_date=EFFECTIVE,
        )
