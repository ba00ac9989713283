"""Proving one party's books: every balance recomputed from the postings, every rule checked.

Each check is one SQL query; the database does the aggregating, and Python holds only the
findings, so the check's memory does not grow with the books (the database's work does).
A finding names what is wrong and where.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.ledger.domain import TransactionType
from mercato.ledger.tables import accounts, open_holds, postings, transactions

_WITH_POSTINGS = (
    TransactionType.POSTED,
    TransactionType.PENDING,
    TransactionType.POST_PENDING,
    TransactionType.REVERSAL,
)


@dataclass(frozen=True)
class Finding:
    check: str
    detail: str


@dataclass
class Report:
    """What ``verify`` found in one party's books."""

    party: str
    accounts: int = 0
    transactions: int = 0
    postings: int = 0
    open_holds: int = 0
    volume: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not self.findings

    def add(self, check: str, detail: str) -> None:
        self.findings.append(Finding(check, detail))


def _debits(column: sa.ColumnElement[int], when: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((sa.and_(when, column > 0), column), else_=0)), 0)


def _credits(column: sa.ColumnElement[int], when: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((sa.and_(when, column < 0), -column), else_=0)), 0)


def verify(connection: Connection, party: str) -> Report:
    """Check every rule of the books of ``party`` on ``connection``."""
    report = Report(party)
    p, t, a = postings.c, transactions.c, accounts.c
    run = connection.execute

    report.accounts = run(sa.select(sa.func.count()).select_from(accounts)).scalar_one()
    report.transactions = run(sa.select(sa.func.count()).select_from(transactions)).scalar_one()
    report.postings = run(sa.select(sa.func.count()).select_from(postings)).scalar_one()
    for currency, volume in run(
        sa.select(p.currency, sa.func.sum(p.amount)).where(p.amount > 0).group_by(p.currency)
    ):
        report.volume[currency] = int(volume)

    # 1. Every transaction balances, per currency.
    for transaction_id, currency, total in run(
        sa.select(p.transaction_id, p.currency, sa.func.sum(p.amount))
        .group_by(p.transaction_id, p.currency)
        .having(sa.func.sum(p.amount) != 0)
    ):
        report.add("unbalanced", f"transaction {transaction_id} is off by {total} {currency}")

    # 2. Every posting is in its account's currency.
    for transaction_id, code, currency in run(
        sa.select(p.transaction_id, a.code, p.currency)
        .join(accounts, a.id == p.account_id)
        .where(p.currency != a.currency)
    ):
        report.add("currency", f"transaction {transaction_id} posts {currency} to {code}")

    # 3. Money-moving transactions have two postings or more; hold releases have none.
    count = sa.func.count(p.position)
    moving = t.type.in_([kind.value for kind in _WITH_POSTINGS])
    for transaction_id, kind, n in run(
        sa.select(t.id, t.type, count)
        .outerjoin(postings, p.transaction_id == t.id)
        .group_by(t.id, t.type)
        .having(sa.or_(sa.and_(moving, count < 2), sa.and_(~moving, count > 0)))
    ):
        report.add("postings", f"{kind} transaction {transaction_id} has {n} postings")

    # 4. Pending postings belong to holds, posted ones to everything else.
    for transaction_id, kind in run(
        sa.select(t.id, t.type)
        .join(postings, p.transaction_id == t.id)
        .where(p.pending != (t.type == TransactionType.PENDING.value))
        .distinct()
    ):
        report.add("holds", f"{kind} transaction {transaction_id} mixes pending and posted")

    _check_counters(connection, report)
    _check_resolutions(connection, report)
    _check_reversals(connection, report)

    # 8. No limited account is beyond its limit.
    for code, dp, cp, dq, cq in run(
        sa.select(
            a.code,
            a.debits_pending,
            a.credits_pending,
            a.debits_posted,
            a.credits_posted,
        ).where(
            sa.or_(
                sa.and_(
                    a.debits_must_not_exceed_credits,
                    a.debits_pending + a.debits_posted > a.credits_posted,
                ),
                sa.and_(
                    a.credits_must_not_exceed_debits,
                    a.credits_pending + a.credits_posted > a.debits_posted,
                ),
            )
        )
    ):
        report.add(
            "limit",
            f"{code} is beyond its limit (debits {dq}+{dp} pending, credits {cq}+{cp} pending)",
        )

    _check_open_holds(connection, report)
    return report


def _check_open_holds(connection: Connection, report: Report) -> None:
    """9. The work list of open holds is exactly the holds nothing has resolved."""
    t, o = transactions.c, open_holds.c
    resolver = transactions.alias("resolver")
    unresolved = (
        sa.select(t.id, t.expires_at)
        .outerjoin(resolver, resolver.c.pending_id == t.id)
        .where(t.type == TransactionType.PENDING.value, resolver.c.id.is_(None))
        .subquery()
    )
    report.open_holds = connection.execute(
        sa.select(sa.func.count()).select_from(unresolved)
    ).scalar_one()
    for (hold_id,) in connection.execute(
        sa.select(unresolved.c.id)
        .outerjoin(open_holds, o.hold_id == unresolved.c.id)
        .where(sa.or_(o.hold_id.is_(None), o.expires_at.is_distinct_from(unresolved.c.expires_at)))
    ):
        report.add("holds", f"open hold {hold_id} is missing from the open-holds list")
    for (hold_id,) in connection.execute(
        sa.select(o.hold_id)
        .outerjoin(unresolved, unresolved.c.id == o.hold_id)
        .where(unresolved.c.id.is_(None))
    ):
        report.add("holds", f"{hold_id} is on the open-holds list but is not an open hold")


def _check_counters(connection: Connection, report: Report) -> None:
    """5. Every account's four counters equal what its postings add up to."""
    p, a = postings.c, accounts.c
    resolver = transactions.alias("resolver")
    open_hold = sa.and_(p.pending, resolver.c.id.is_(None))
    sums = (
        sa.select(
            p.account_id,
            _debits(p.amount, open_hold).label("dp"),
            _credits(p.amount, open_hold).label("cp"),
            _debits(p.amount, ~p.pending).label("dq"),
            _credits(p.amount, ~p.pending).label("cq"),
        )
        .outerjoin(resolver, resolver.c.pending_id == p.transaction_id)
        .group_by(p.account_id)
        .subquery()
    )
    recomputed = {
        "debits_pending": sa.func.coalesce(sums.c.dp, 0),
        "credits_pending": sa.func.coalesce(sums.c.cp, 0),
        "debits_posted": sa.func.coalesce(sums.c.dq, 0),
        "credits_posted": sa.func.coalesce(sums.c.cq, 0),
    }
    query = (
        sa.select(a.code, *(a[name] for name in recomputed), *recomputed.values())
        .outerjoin(sums, sums.c.account_id == a.id)
        .where(sa.or_(*(a[name] != value for name, value in recomputed.items())))
    )
    for row in connection.execute(query):
        stored, computed = row[1:5], row[5:9]
        for name, have, want in zip(recomputed, stored, computed, strict=True):
            if have != want:
                report.add("balance", f"{row[0]}: {name} is {have}, its postings say {want}")


def _check_resolutions(connection: Connection, report: Report) -> None:
    """6. Each resolution resolves a hold; what it posts fits in the hold; expiry waits."""
    t = transactions.c
    held = transactions.alias("held")
    for resolution_id, kind, target_type in connection.execute(
        sa.select(t.id, t.type, held.c.type)
        .join(held, held.c.id == t.pending_id)
        .where(held.c.type != TransactionType.PENDING.value)
    ):
        report.add("holds", f"{kind} {resolution_id} resolves a {target_type} transaction")
    for resolution_id, kind in connection.execute(
        sa.select(t.id, t.type).where(
            t.type.in_(
                [
                    TransactionType.POST_PENDING.value,
                    TransactionType.VOID_PENDING.value,
                    TransactionType.EXPIRE_PENDING.value,
                ]
            ),
            t.pending_id.is_(None),
        )
    ):
        report.add("holds", f"{kind} {resolution_id} names no hold")
    for resolution_id, expires_at, recorded_at in connection.execute(
        sa.select(t.id, held.c.expires_at, t.recorded_at)
        .join(held, held.c.id == t.pending_id)
        .where(
            t.type == TransactionType.EXPIRE_PENDING.value,
            sa.or_(held.c.expires_at.is_(None), held.c.expires_at > t.recorded_at),
        )
    ):
        report.add(
            "holds", f"expiry {resolution_id} at {recorded_at} before its hold's {expires_at}"
        )

    posted, hold_postings = postings.alias("posted"), postings.alias("hold_postings")
    per_account = (
        sa.select(
            t.id.label("resolution"),
            posted.c.account_id,
            sa.func.sum(posted.c.amount).label("amount"),
            t.pending_id,
        )
        .join(posted, posted.c.transaction_id == t.id)
        .where(t.type == TransactionType.POST_PENDING.value)
        .group_by(t.id, posted.c.account_id, t.pending_id)
        .subquery()
    )
    held_per_account = (
        sa.select(
            hold_postings.c.transaction_id,
            hold_postings.c.account_id,
            sa.func.sum(hold_postings.c.amount).label("amount"),
        )
        .group_by(hold_postings.c.transaction_id, hold_postings.c.account_id)
        .subquery()
    )
    for resolution_id, amount, held_amount in connection.execute(
        sa.select(per_account.c.resolution, per_account.c.amount, held_per_account.c.amount)
        .outerjoin(
            held_per_account,
            sa.and_(
                held_per_account.c.transaction_id == per_account.c.pending_id,
                held_per_account.c.account_id == per_account.c.account_id,
            ),
        )
        .where(
            sa.or_(
                held_per_account.c.amount.is_(None),
                per_account.c.amount * held_per_account.c.amount < 0,
                sa.func.abs(per_account.c.amount) > sa.func.abs(held_per_account.c.amount),
            )
        )
    ):
        report.add("holds", f"post {resolution_id} posts {amount} against a hold of {held_amount}")


def _check_reversals(connection: Connection, report: Report) -> None:
    """7. A reversal is the exact mirror of what it reverses."""
    t, p = transactions.c, postings.c
    both = (
        sa.select(t.id.label("reversal"), p.account_id, p.amount)
        .join(postings, p.transaction_id == t.id)
        .where(t.type == TransactionType.REVERSAL.value)
        .union_all(
            sa.select(t.id, p.account_id, p.amount)
            .join(postings, p.transaction_id == t.reverses_id)
            .where(t.type == TransactionType.REVERSAL.value)
        )
        .subquery()
    )
    for reversal_id, account_id, total in connection.execute(
        sa.select(both.c.reversal, both.c.account_id, sa.func.sum(both.c.amount))
        .group_by(both.c.reversal, both.c.account_id)
        .having(sa.func.sum(both.c.amount) != 0)
    ):
        report.add("reversal", f"reversal {reversal_id} leaves {total} on account {account_id}")
