"""Availability in batches, and indexes on the work still to do.

* ``settlement_balance_transactions.available_batch``: the availability batch that made a
  balance transaction available (per merchant and currency in a batch, one ledger
  transaction keyed by the batch: ADR 0019).
* ``settlement_balance_transactions_pending``: pending rows, oldest due first; partial, so
  it holds only what is still pending, however long the history.
* ``settlement_balance_transactions_unpaid``: available rows no automatic payout has taken
  yet, by merchant and currency; partial for the same reason.
* ``settlement_balance_transactions_by_payout`` made partial (rows with a payout): the
  rows without one, most rows until their payout, no longer each take an index entry,
  written again at every update of the row.
* ``settlement_balance_transactions_due`` (status, available_on) dropped: the pending index
  does its work, and right after a day's rows turned available (before statistics catch
  up) PostgreSQL took it for the payouts' queries and read every available row per payout.

Risk: low. The column is nullable (no table rewrite on PostgreSQL). Each index built here
reads the table once under a lock that blocks its writes (captures and refunds wait); the
partial ones are small. On a large table, run it in a quiet hour.

Revision ID: settlement_0002
Revises: settlement_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "settlement_0002"
down_revision: str | Sequence[str] | None = "settlement_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "settlement_balance_transactions"
PENDING = sa.text("status = 'pending'")
UNPAID = sa.text("status = 'available' AND payout_id IS NULL")
PAID_OUT = sa.text("payout_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index("settlement_balance_transactions_due", TABLE)
    op.drop_index("settlement_balance_transactions_by_payout", TABLE)
    op.create_index(
        "settlement_balance_transactions_by_payout",
        TABLE,
        ["payout_id"],
        postgresql_where=PAID_OUT,
        sqlite_where=PAID_OUT,
    )
    op.add_column(TABLE, sa.Column("available_batch", sa.String(40), nullable=True))
    op.create_index(
        "settlement_balance_transactions_pending",
        TABLE,
        ["available_on", "id"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )
    op.create_index(
        "settlement_balance_transactions_unpaid",
        TABLE,
        ["merchant_id", "currency"],
        postgresql_where=UNPAID,
        sqlite_where=UNPAID,
    )


def downgrade() -> None:
    op.drop_index("settlement_balance_transactions_unpaid", TABLE)
    op.drop_index("settlement_balance_transactions_pending", TABLE)
    op.drop_column(TABLE, "available_batch")
    op.drop_index("settlement_balance_transactions_by_payout", TABLE)
    op.create_index("settlement_balance_transactions_by_payout", TABLE, ["payout_id"])
    op.create_index("settlement_balance_transactions_due", TABLE, ["status", "available_on"])
