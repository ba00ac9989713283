"""What the operator's settlement pages show, and what a merchant's payouts page adds: the
payout files, the clearing files with the issuers' reports, the last reconciliation, and
which payouts the bank's statements show paid out.

The files and clearing reports come from the settlement's own reads (``files.listed``,
``clearing.files``); the few questions they do not answer (how many of a file's payouts came
back) are asked here, of the settlement's tables, read-only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato.dashboard.tables import payout_arrivals, reconciliations
from mercato.money import Money
from mercato.settlement import clearing, files, payouts
from mercato.settlement.tables import payouts as payout_rows

KIND_NAMES = {"nacha": "NACHA", "pain.001": "pain.001"}
DIFFERENCES = {
    "amount_differs": "Amount differs",
    "late_presentment": "Late presentment",
    "insufficient_funds": "Insufficient funds",
    "unknown_transaction": "Unknown transaction",
    "currency_differs": "Currency differs",
}
"""The issuer's codes for a record it did not book as presented (docs/clearing.md)."""


@dataclass(frozen=True)
class PayoutFile:
    id: str
    name: str
    kind: str  # "NACHA", "pain.001"
    currency: str
    payouts: int
    total: Money
    created_at: dt.datetime
    sent_at: dt.datetime | None
    bank_file_id: str | None  # the bank's receipt: it has the file
    returned: int  # payouts of the file the bank sent back


def payout_files(connection: Connection, *, limit: int = 100) -> list[PayoutFile]:
    """The newest payout files, with how many of their payouts came back."""
    rows = files.listed(connection, limit=limit)
    p = payout_rows.c
    returned: dict[str, int] = {
        file_id: count
        for file_id, count in connection.execute(
            sa.select(p.file_id, sa.func.count())
            .where(p.file_id.in_([row.id for row in rows]), p.status == payouts.FAILED)
            .group_by(p.file_id)
        )
    }
    return [
        PayoutFile(
            id=row.id,
            name=row.name,
            kind=KIND_NAMES.get(row.kind, row.kind),
            currency=row.currency.upper(),
            payouts=row.payout_count,
            total=Money.of_minor(row.total, row.currency),
            created_at=row.created_at,
            sent_at=row.sent_at,
            bank_file_id=row.bank_file_id,
            returned=returned.get(row.id, 0),
        )
        for row in rows
    ]


def payout_file(connection: Connection, file_id: str) -> tuple[str, str, bytes] | None:
    """A payout file's name, content type and bytes, exactly as kept."""
    found = files.content_of(connection, file_id)
    if found is None:
        return None
    name, content = found
    kind = "application/xml" if name.endswith(".xml") else "text/plain; charset=us-ascii"
    return name, kind, content


@dataclass(frozen=True)
class Difference:
    sequence: int
    presentment_id: str
    code: str
    label: str
    message: str


@dataclass(frozen=True)
class ClearingTotal:
    currency: str
    sales: int
    sales_total: Money
    refunds: int
    refunds_total: Money
    net: Money | None  # what the issuer said it owes (None: no report yet)


@dataclass(frozen=True)
class ClearingFile:
    id: str
    issuer: str
    business_date: dt.date
    records: int
    totals: list[ClearingTotal]
    reported_at: dt.datetime | None
    booked: int | None
    differences: list[Difference]
    settled_at: dt.datetime | None


def clearing_files(engine: Engine, *, limit: int = 60) -> list[ClearingFile]:
    """The newest clearing files, per issuer and day, each with its issuer's report."""
    return [_clearing_file(row) for row in clearing.files(engine, limit=limit)]


def _clearing_file(row: Any) -> ClearingFile:
    report: dict[str, Any] = row.report or {}
    net: dict[str, int] = report.get("net", {})
    totals = [
        ClearingTotal(
            currency=code,
            sales=t["sales"],
            sales_total=Money.of_minor(t["sales_total"], code),
            refunds=t["refunds"],
            refunds_total=Money.of_minor(t["refunds_total"], code),
            net=Money.of_minor(net[code], code) if code in net else None,
        )
        for code, t in sorted(row.totals.items())
    ]
    differences = [
        Difference(
            sequence=d["sequence"],
            presentment_id=str(d.get("presentment_id", "")),
            code=d["code"],
            label=DIFFERENCES.get(d["code"], d["code"].replace("_", " ").capitalize()),
            message=d.get("message", ""),
        )
        for d in report.get("differences", [])
    ]
    return ClearingFile(
        id=row.id,
        issuer=row.issuer,
        business_date=row.business_date,
        records=row.records,
        totals=totals,
        reported_at=row.reported_at,
        booked=report.get("booked") if row.report is not None else None,
        differences=differences,
        settled_at=row.settled_at,
    )


def last_reconciliation(connection: Connection) -> Any:
    """The latest reconciliation run (None: never run)."""
    r = reconciliations.c
    return connection.execute(sa.select(reconciliations).order_by(r.id.desc()).limit(1)).first()


def arrivals_of(connection: Connection, payout_ids: Iterable[str]) -> dict[str, Any]:
    """Which of these payouts a statement of the bank shows paid out: id to (statement id,
    booked on). The caller gives only its own payouts' ids."""
    wanted = list(payout_ids)
    if not wanted:
        return {}
    a = payout_arrivals.c
    rows = connection.execute(sa.select(payout_arrivals).where(a.payout_id.in_(wanted))).all()
    return {row.payout_id: row for row in rows}
