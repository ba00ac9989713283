"""Payout files: pending payouts gathered, per currency, into the file the commercial bank
reads (NACHA for USD, ISO 20022 pain.001 for EUR, both written by ``mercato.bankfiles``),
kept in ``settlement_payout_files`` and then sent (``send_files``).

A file is made in one transaction that takes its payouts (``FOR UPDATE SKIP LOCKED``, a
thousand at most), writes the file, keeps its bytes, and names the file on each payout
(with its NACHA trace number, by which a return finds it). A payout in a file is no longer
cancelable. Sending is outside any transaction; the bank answers the same name and bytes
with the same file, so a file sent again after a crash is not paid twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato.bankfiles.accounts import SepaAccount, UsBankAccount
from mercato.bankfiles.nacha import AchPayout, Originator, write_payout_file
from mercato.bankfiles.pain001 import Debtor, SepaPayout, write_pain001
from mercato.clock import Clock
from mercato.database.engine import writing
from mercato.gateway.ids import new_id
from mercato.gateway.merchants import get_merchant
from mercato.logs import get_logger
from mercato.settlement import bank_accounts, payouts
from mercato.settlement.bank_link import BankLink
from mercato.settlement.errors import BankLinkError
from mercato.settlement.tables import external_accounts, payout_files
from mercato.settlement.tables import payouts as payout_rows
from mercato.vault import KeyRing

log = get_logger(__name__)

PER_FILE = 1000
KINDS = {"usd": "nacha", "eur": "pain.001"}


@dataclass(frozen=True)
class PlatformAccount:
    """The platform's own account at the commercial bank: where payouts are paid from.

    The defaults are the simulated bank's (``mercato.bank.identity``: routing number, BIC).
    The IBAN must be the platform's own EUR account at the bank, which refuses a pain.001
    whose debtor is not the sender's (AG01): `duties.write_and_send` asks the bank for it;
    the default here is only a well-formed placeholder."""

    name: str = "Mercato Payments"
    company_id: str = "1000000001"
    bank_routing_number: str = "123456780"
    bank_name: str = "Mercato Commercial Bank"
    iban: str = "DE89370400440532013000"
    bic: str = "MCBKDEFFXXX"


def reference(payout_id: str) -> str:
    """A payout's id as a SEPA end-to-end id (no underscore in the EPC's character set)."""
    return payout_id.replace("_", "-", 1)


def payout_id_of(end_to_end_id: str) -> str:
    return end_to_end_id.replace("-", "_", 1)


def write_files(
    engine: Engine,
    keyring: KeyRing,
    clock: Clock,
    *,
    platform: PlatformAccount | None = None,
    per_file: int = PER_FILE,
) -> list[str]:
    """A file for every currency with pending payouts not yet in one; returns their ids."""
    platform = platform or PlatformAccount()
    made = []
    for currency in KINDS:
        while True:
            with writing(engine) as connection:
                file_id = _write_one(
                    connection,
                    currency,
                    keyring=keyring,
                    clock=clock,
                    platform=platform,
                    per_file=per_file,
                )
            if file_id is None:
                break
            made.append(file_id)
    return made


def _write_one(
    connection: Connection,
    currency: str,
    *,
    keyring: KeyRing,
    clock: Clock,
    platform: PlatformAccount,
    per_file: int,
) -> str | None:
    p = payout_rows.c
    taken = connection.execute(
        sa.select(payout_rows, external_accounts.c.account_holder_name)
        .join(external_accounts, external_accounts.c.id == p.destination_id)
        .where(p.status == payouts.PENDING, p.currency == currency, p.file_id.is_(None))
        .order_by(p.id)
        .limit(per_file)
        .with_for_update(of=payout_rows, skip_locked=True)
    ).all()
    if not taken:
        return None
    now = clock.now()
    file_id = new_id("pf")
    names = {}
    for row in taken:
        merchant = get_merchant(connection, row.merchant_id)
        names[row.id] = row.account_holder_name or (merchant.name if merchant else row.id)
    accounts = {
        row.id: bank_accounts.opened(bank_accounts.row(connection, row.destination_id), keyring)
        for row in taken
    }
    kind = KINDS[currency]
    traces: dict[str, str] = {}
    if kind == "nacha":
        written = write_payout_file(
            [AchPayout(row.id, row.amount, names[row.id], _us(accounts[row.id])) for row in taken],
            originator=Originator(
                company_name=platform.name,
                company_id=platform.company_id,
                odfi_routing_number=platform.bank_routing_number,
                destination_routing_number=platform.bank_routing_number,
                destination_name=platform.bank_name,
                origin=platform.company_id,
                origin_name=platform.name,
            ),
            created_at=now,
            effective_date=payouts.arrival_after(now).date(),
        )
        content = written.text.encode("ascii")
        traces = dict(written.trace_numbers)
        name = f"payouts-{now:%Y%m%d}-{file_id}.ach"
    else:
        content = write_pain001(
            [
                SepaPayout(reference(row.id), row.amount, names[row.id], _sepa(accounts[row.id]))
                for row in taken
            ],
            debtor=Debtor(platform.name, SepaAccount(platform.iban, platform.bic)),
            message_id=reference(file_id),
            created_at=now,
            execution_date=payouts.arrival_after(now).date(),
        )
        name = f"payouts-{now:%Y%m%d}-{file_id}.xml"
    connection.execute(
        sa.insert(payout_files).values(
            id=file_id,
            name=name,
            kind=kind,
            currency=currency,
            payout_count=len(taken),
            total=sum(row.amount for row in taken),
            content=content,
            created_at=now,
        )
    )
    for row in taken:
        connection.execute(
            sa.update(payout_rows)
            .where(p.id == row.id)
            .values(file_id=file_id, trace_number=traces.get(row.id), updated_at=now)
        )
    log.info("settlement.payout_file", file=file_id, kind=kind, payouts=len(taken))
    return file_id


def _us(account: Any) -> UsBankAccount:
    assert isinstance(account, UsBankAccount)
    return account


def _sepa(account: Any) -> SepaAccount:
    assert isinstance(account, SepaAccount)
    return account


def send_files(engine: Engine, link: BankLink, clock: Clock) -> int:
    """Send every file not sent yet; their payouts go in transit. Returns how many went.
    A file the bank refuses or cannot take now is logged and tried again next time."""
    with writing(engine) as connection:
        unsent = connection.execute(
            sa.select(payout_files.c.id, payout_files.c.name)
            .where(payout_files.c.sent_at.is_(None))
            .order_by(payout_files.c.id)
        ).all()
    sent = 0
    for file_id, name in unsent:
        with writing(engine) as connection:
            content = connection.execute(
                sa.select(payout_files.c.content).where(payout_files.c.id == file_id)
            ).scalar_one()
        try:
            receipt = link.send_file(name, content)
        except BankLinkError as error:
            log.error("settlement.payout_file_not_sent", file=file_id, error=error.code)
            continue
        with writing(engine) as connection:
            claimed = connection.execute(
                sa.update(payout_files)
                .where(payout_files.c.id == file_id, payout_files.c.sent_at.is_(None))
                .values(sent_at=clock.now(), bank_file_id=receipt.id)
            ).rowcount
            if claimed:
                payouts.mark_in_transit(connection, file_id, clock)
                sent += 1
    return sent


def listed(connection: Connection, *, limit: int = 100) -> Sequence[Any]:
    """The newest files, without their bytes."""
    f = payout_files.c
    return connection.execute(
        sa.select(
            f.id,
            f.name,
            f.kind,
            f.currency,
            f.payout_count,
            f.total,
            f.bank_file_id,
            f.created_at,
            f.sent_at,
        )
        .order_by(f.id.desc())
        .limit(limit)
    ).all()


def content_of(connection: Connection, file_id: str) -> tuple[str, bytes] | None:
    found = connection.execute(
        sa.select(payout_files.c.name, payout_files.c.content).where(payout_files.c.id == file_id)
    ).first()
    return None if found is None else (found.name, found.content)


def to_object(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "object": "payout_file",
        "name": row.name,
        "kind": row.kind,
        "currency": row.currency,
        "payouts": row.payout_count,
        "total": row.total,
        "bank_file": row.bank_file_id,
        "created": int(row.created_at.timestamp()),
        "sent": None if row.sent_at is None else int(row.sent_at.timestamp()),
    }
