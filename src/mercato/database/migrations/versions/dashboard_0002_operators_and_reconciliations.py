"""Dashboard users gain a role: a merchant's (as before) or the platform's operator, who
belongs to no merchant (ADR 0022). The operator's reconciliation runs are kept, with the
payouts they found on the bank's statements.

Risk: low. Every existing user becomes a merchant's (the column's default); ``merchant_id``
becomes nullable, which SQLite can only do by copying ``dashboard_users`` into a new table.
SQLite refuses to drop a table that sessions still point at, foreign keys being on inside
the migration's transaction; the sessions are set aside in a temporary table meanwhile and
put back, so nobody is signed out. PostgreSQL alters the table in place. Two new tables.

Revision ID: dashboard_0002
Revises: dashboard_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "dashboard_0002"
down_revision: str | Sequence[str] | None = "dashboard_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
ROLE_AND_MERCHANT = (
    "(role = 'merchant' AND merchant_id IS NOT NULL) OR (role = 'operator' AND merchant_id IS NULL)"
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE TEMP TABLE kept_sessions AS SELECT * FROM dashboard_sessions")
        op.execute("DELETE FROM dashboard_sessions")
    with op.batch_alter_table("dashboard_users") as users:
        users.add_column(
            sa.Column("role", sa.String(10), nullable=False, server_default="merchant")
        )
        users.alter_column("merchant_id", existing_type=sa.String(40), nullable=True)
        users.create_check_constraint("dashboard_users_role_and_merchant", ROLE_AND_MERCHANT)
    if sqlite:
        op.execute("INSERT INTO dashboard_sessions SELECT * FROM kept_sessions")
        op.execute("DROP TABLE kept_sessions")
    op.create_table(
        "dashboard_reconciliations",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("ran_at", TIMESTAMP, nullable=False),
        sa.Column("ran_by", sa.String(320), nullable=False),
        sa.Column("statements", sa.Integer, nullable=False),
        sa.Column("matched", JSON, nullable=False),
        sa.Column("unmatched_count", sa.Integer, nullable=False),
        sa.Column("unmatched", JSON, nullable=False),
    )
    op.create_table(
        "dashboard_payout_arrivals",
        sa.Column("payout_id", sa.String(40), primary_key=True),
        sa.Column("statement_id", sa.String(100), nullable=False),
        sa.Column("booked_on", sa.Date, nullable=False),
        sa.Column("found_at", TIMESTAMP, nullable=False),
    )


def downgrade() -> None:
    """Operators cannot be merchants' users: they are deleted, with their sessions."""
    op.drop_table("dashboard_payout_arrivals")
    op.drop_table("dashboard_reconciliations")
    operators = "SELECT id FROM dashboard_users WHERE role = 'operator'"
    op.execute(f"DELETE FROM dashboard_sessions WHERE user_id IN ({operators})")  # noqa: S608
    op.execute("DELETE FROM dashboard_users WHERE role = 'operator'")
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE TEMP TABLE kept_sessions AS SELECT * FROM dashboard_sessions")
        op.execute("DELETE FROM dashboard_sessions")
    with op.batch_alter_table("dashboard_users") as users:
        users.drop_constraint("dashboard_users_role_and_merchant", type_="check")
        users.alter_column("merchant_id", existing_type=sa.String(40), nullable=False)
        users.drop_column("role")
    if sqlite:
        op.execute("INSERT INTO dashboard_sessions SELECT * FROM kept_sessions")
        op.execute("DROP TABLE kept_sessions")
