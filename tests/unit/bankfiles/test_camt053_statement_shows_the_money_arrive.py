"""The bank's end-of-day statement: balances that add up, and entries that name their payout."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from bankfile_examples import german_ibans, us_account
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree  # type: ignore[import-untyped]

from mercato.bankfiles.accounts import SepaAccount
from mercato.bankfiles.camt053 import (
    DOMESTIC_CREDIT_TRANSFER_RECEIVED,
    SEPA_CREDIT_TRANSFER_RECEIVED,
    CreditDebit,
    EntryTransaction,
    Statement,
    StatementEntry,
    read_camt053,
    write_camt053,
)
from mercato.bankfiles.errors import (
    AmountOutOfRange,
    BadRecord,
    ControlMismatch,
    EmptyFile,
    InconsistentStatement,
    InvalidReference,
    SchemaViolation,
)

SCHEMAS = Path(__file__).parents[3] / "src" / "mercato" / "bankfiles" / "schemas"
FIXTURES = Path(__file__).parents[2] / "fixtures" / "bankfiles"
DAY = dt.date(2026, 3, 3)
END_OF_DAY = dt.datetime(2026, 3, 3, 22, 0, tzinfo=dt.UTC)
MERCHANT = SepaAccount("BE71096123456769")


def payout_landed(reference: str, amount: int, end_to_end_id: str) -> StatementEntry:
    return StatementEntry(
        amount=amount,
        direction=CreditDebit.CREDIT,
        booking_date=DAY,
        value_date=DAY,
        account_servicer_reference=reference,
        transactions=(EntryTransaction(end_to_end_id, f"Payout {end_to_end_id}", "Mercato"),),
        bank_transaction_code=SEPA_CREDIT_TRANSFER_RECEIVED,
    )


def merchant_statement(**changes: object) -> Statement:
    statement = Statement(
        statement_id="STMT-20260303-0001",
        created_at=END_OF_DAY,
        account=MERCHANT,
        currency="EUR",
        opening_balance=10000,
        opening_date=DAY,
        closing_balance=10000 + 12345 + 500 - 2500,
        closing_date=DAY,
        entries=(
            payout_landed("BNK-1", 12345, "PO-1"),
            payout_landed("BNK-2", 500, "PO-2"),
            StatementEntry(2500, CreditDebit.DEBIT, DAY, DAY, "BNK-3"),
        ),
        owner_name="Muller GmbH",
        sequence_number=62,
    )
    return dataclasses.replace(statement, **changes)  # type: ignore[arg-type]


def write(*statements: Statement) -> bytes:
    return write_camt053(statements, message_id="BANK-20260303", created_at=END_OF_DAY)


def test_the_statement_is_valid_against_the_published_camt053_schema() -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "camt.053.001.02.xsd")))
    us = merchant_statement(account=us_account(), currency="USD")
    assert schema.validate(etree.fromstring(write(merchant_statement(), us))), schema.error_log


def test_a_statement_reads_back_as_written() -> None:
    us = merchant_statement(account=us_account(), currency="USD", statement_id="S2")
    statements = read_camt053(write(merchant_statement(), us))
    assert statements.message_id == "BANK-20260303"
    assert statements.created_at == END_OF_DAY
    assert statements.statements == (merchant_statement(), us)


def test_each_payout_is_found_by_its_end_to_end_id_and_amount() -> None:
    (statement,) = read_camt053(write(merchant_statement())).statements
    landed = {e.end_to_end_id: e.signed_amount for e in statement.entries if e.end_to_end_id}
    assert landed == {"PO-1": 12345, "PO-2": 500}
    assert statement.entries[2].signed_amount == -2500


def test_the_balances_are_written_as_the_published_format_asks() -> None:
    ns = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"}
    overdrawn = merchant_statement(
        opening_balance=-1000, closing_balance=-1000 + 12345 + 500 - 2500
    )
    root = etree.fromstring(write(overdrawn))
    balances = root.findall("c:BkToCstmrStmt/c:Stmt/c:Bal", ns)
    assert [b.findtext("c:Tp/c:CdOrPrtry/c:Cd", namespaces=ns) for b in balances] == [
        "OPBD",
        "CLBD",
    ]
    assert balances[0].findtext("c:Amt", namespaces=ns) == "10.00"
    assert balances[0].findtext("c:CdtDbtInd", namespaces=ns) == "DBIT"
    assert balances[1].findtext("c:Amt", namespaces=ns) == "93.45"
    assert balances[1].findtext("c:CdtDbtInd", namespaces=ns) == "CRDT"
    entry = root.find("c:BkToCstmrStmt/c:Stmt/c:Ntry", ns)
    assert entry.findtext("c:Amt", namespaces=ns) == "123.45"
    assert entry.find("c:Amt", ns).get("Ccy") == "EUR"
    assert entry.findtext("c:Sts", namespaces=ns) == "BOOK"
    assert entry.findtext("c:BookgDt/c:Dt", namespaces=ns) == "2026-03-03"
    assert entry.findtext("c:AcctSvcrRef", namespaces=ns) == "BNK-1"
    refs = "c:NtryDtls/c:TxDtls/c:Refs/c:EndToEndId"
    assert entry.findtext(refs, namespaces=ns) == "PO-1"


@settings(max_examples=30, deadline=None)
@given(
    iban=german_ibans,
    opening=st.integers(-(10**9), 10**9),
    movements=st.lists(st.integers(-(10**8), 10**8).filter(bool), max_size=20),
)
def test_any_statement_round_trips_and_closes_at_opening_plus_entries(
    iban: str, opening: int, movements: list[int]
) -> None:
    entries = tuple(
        StatementEntry(
            abs(amount),
            CreditDebit.CREDIT if amount > 0 else CreditDebit.DEBIT,
            DAY,
            DAY,
            f"REF-{i}",
            (EntryTransaction(end_to_end_id=f"PO-{i}"),),
            DOMESTIC_CREDIT_TRANSFER_RECEIVED,
        )
        for i, amount in enumerate(movements)
    )
    statement = merchant_statement(
        account=SepaAccount(iban),
        opening_balance=opening,
        closing_balance=opening + sum(movements),
        entries=entries,
    )
    (read,) = read_camt053(write(statement)).statements
    assert read == statement
    assert read.closing_balance == read.opening_balance + sum(e.signed_amount for e in read.entries)


def test_a_statement_that_does_not_add_up_is_not_written() -> None:
    with pytest.raises(InconsistentStatement) as refused:
        write(merchant_statement(closing_balance=0))
    assert refused.value.code == "inconsistent_statement"


def test_a_statement_file_that_does_not_add_up_is_refused() -> None:
    document = write(merchant_statement()).replace(b">203.45</Amt>", b">203.46</Amt>")
    with pytest.raises(ControlMismatch) as refused:
        read_camt053(document)
    assert refused.value.where == "Stmt[1]/Bal[CLBD]"


def test_a_transaction_summary_that_disagrees_is_refused() -> None:
    document = write(merchant_statement()).replace(
        b"<NbOfNtries>3</NbOfNtries>", b"<NbOfNtries>4</NbOfNtries>"
    )
    with pytest.raises(ControlMismatch, match="says 4 entries"):
        read_camt053(document)


def test_a_batch_entry_must_be_the_sum_of_its_transactions() -> None:
    batch = StatementEntry(
        600,
        CreditDebit.CREDIT,
        DAY,
        DAY,
        "BNK-9",
        (EntryTransaction("PO-1", amount=100), EntryTransaction("PO-2", amount=400)),
    )
    with pytest.raises(InconsistentStatement, match="do not add up"):
        write(merchant_statement(entries=(batch,), closing_balance=10600))
    good = dataclasses.replace(
        batch, transactions=(EntryTransaction("PO-1", amount=200), batch.transactions[1])
    )
    (read,) = read_camt053(
        write(merchant_statement(entries=(good,), closing_balance=10600))
    ).statements
    assert [t.amount for t in read.entries[0].transactions] == [200, 400]
    assert read.entries[0].end_to_end_id is None  # a batch has no single end-to-end id


def test_refusals_of_what_a_statement_cannot_carry() -> None:
    with pytest.raises(EmptyFile):
        write()
    with pytest.raises(AmountOutOfRange):
        write(
            merchant_statement(
                entries=(StatementEntry(0, CreditDebit.CREDIT, DAY, DAY, "X"),),
                closing_balance=10000,
            )
        )
    with pytest.raises(InvalidReference):
        write(merchant_statement(statement_id="S" * 36))


def test_an_entry_in_another_currency_is_refused() -> None:
    document = write(merchant_statement()).replace(
        b'<Amt Ccy="EUR">123.45', b'<Amt Ccy="USD">123.45'
    )
    with pytest.raises(BadRecord, match="not the account's EUR"):
        read_camt053(document)


def test_a_statement_from_another_bank_is_read_pending_entries_aside() -> None:
    """Written by hand the way other banks write them: date-times, PRCD, a pending entry."""
    (statement,) = read_camt053((FIXTURES / "camt053_other_bank.xml").read_bytes()).statements
    assert statement.account == SepaAccount("DE89370400440532013000")
    assert (statement.opening_balance, statement.closing_balance) == (100000, 87655)
    assert statement.opening_date == dt.date(2026, 3, 2)
    assert [(e.end_to_end_id, e.signed_amount) for e in statement.entries] == [
        ("PO-77", -12345),
    ]
    assert statement.entries[0].transactions[0].return_reason is None


def test_a_returned_payout_carries_its_return_reason() -> None:
    returned = StatementEntry(
        12345,
        CreditDebit.CREDIT,
        DAY,
        DAY,
        "BNK-R",
        (EntryTransaction("PO-1", "Returned payout", return_reason="AC04"),),
    )
    document = write(merchant_statement(entries=(returned,), closing_balance=22345))
    (statement,) = read_camt053(document).statements
    assert statement.entries[0].transactions[0].return_reason == "AC04"


def test_a_document_that_is_not_a_statement_is_refused() -> None:
    with pytest.raises(SchemaViolation):
        read_camt053(write(merchant_statement()).replace(b"<Sts>BOOK</Sts>", b"<Sts>DONE</Sts>"))
