"""What the bank sends back about payouts: NACHA return files (USD) and pain.002 status
reports (EUR). Each returned or rejected payout fails with Stripe's failure code, and its
money goes back to the merchant's available balance (``payouts.fail``).

A NACHA return names the original entry's trace number, its amount and the first 15
characters of the payout's id (upper-cased): together they find the payout, since trace
numbers start again in every file. A pain.002 names the payout by its end-to-end id.

Each payout fails in a transaction of its own (one ledger call each); the bank's file is
noted as read after them, in the last. A run cut short reads the file again, and failing
an already failed payout changes nothing.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from mercato.bankfiles.nacha import read_ach_file, returns_in
from mercato.bankfiles.pain002 import read_pain002
from mercato.clock import Clock
from mercato.database.engine import writing
from mercato.ledger import Ledger
from mercato.logs import get_logger
from mercato.settlement import payouts
from mercato.settlement.bank_link import BankFile, BankLink
from mercato.settlement.files import payout_id_of
from mercato.settlement.tables import bank_files_read
from mercato.settlement.tables import payouts as payout_rows

log = get_logger(__name__)

NACHA_FAILURES = {
    "R01": "insufficient_funds",
    "R02": "account_closed",
    "R03": "no_account",
    "R04": "invalid_account_number",
    "R16": "account_frozen",
    "R20": "bank_account_restricted",
    "R23": "declined",
}
SEPA_FAILURES = {
    "AC01": "invalid_account_number",
    "AC04": "account_closed",
    "AC06": "account_frozen",
    "AG01": "bank_account_restricted",
    "RC01": "invalid_account_number",
}
RETURN_KINDS = ("nacha-returns", "pain.002")


def failures_in(engine: Engine, kind: str, content: bytes) -> list[tuple[str, str]]:
    """The payouts a returns file or status report fails, with Stripe's failure codes."""
    found = []
    if kind == "nacha-returns":
        with writing(engine) as connection:
            for returned in returns_in(read_ach_file(content.decode("ascii"))):
                p = payout_rows.c
                candidates = connection.execute(
                    sa.select(p.id).where(
                        p.trace_number == returned.original_trace_number,
                        p.amount == returned.amount,
                        p.currency == "usd",
                    )
                ).scalars()
                prefix = returned.identification.strip().upper()
                matched = [c for c in candidates if c.upper().startswith(prefix)]
                if len(matched) != 1:
                    log.error(
                        "settlement.return_unmatched",
                        trace=returned.original_trace_number,
                        matches=len(matched),
                    )
                    continue
                code = NACHA_FAILURES.get(returned.reason_code, "could_not_process")
                found.append((matched[0], code))
    elif kind == "pain.002":
        for status in read_pain002(content).transactions:
            if status.status == "RJCT" and status.end_to_end_id:
                code = SEPA_FAILURES.get(status.reason_code or "", "could_not_process")
                found.append((payout_id_of(status.end_to_end_id), code))
    return found


def apply(engine: Engine, ledger: Ledger, clock: Clock, kind: str, content: bytes) -> int:
    """Fail every payout the file returns; returns how many failed now."""
    failed = 0
    for payout_id, code in failures_in(engine, kind, content):
        with writing(engine) as connection:
            if payouts.fail(connection, payout_id, code, ledger=ledger, clock=clock) is not None:
                failed += 1
    return failed


def read_from_bank(engine: Engine, link: BankLink, ledger: Ledger, clock: Clock) -> int:
    """The duty ``payouts.read_bank_files``: every file the bank made since the last one
    read; returns and status reports are applied, the others (statements) only noted."""
    with writing(engine) as connection:
        after = connection.execute(sa.select(sa.func.max(bank_files_read.c.id))).scalar()
    failed = 0
    for found in link.files_after(after):
        if found.kind in RETURN_KINDS:
            failed += apply(engine, ledger, clock, found.kind, link.fetch(found.id))
        with writing(engine) as connection:
            _note_read(connection, found, clock.now())
    return failed


def _note_read(connection: sa.Connection, found: BankFile, now: dt.datetime) -> None:
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(
        bank_files_read
    ).values(id=found.id, name=found.name, kind=found.kind, read_at=now)
    connection.execute(insert.on_conflict_do_nothing(index_elements=["id"]))
