"""The merchant dashboard's users, their sessions, and failed sign-ins (for throttling).

Risk: none; creates three new tables.

Revision ID: dashboard_0001
Revises: dashboard_0000
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "dashboard_0001"
down_revision: str | Sequence[str] | None = "dashboard_0000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dashboard_users",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=False
        ),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("password_changed_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "dashboard_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(40), sa.ForeignKey("dashboard_users.id"), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
    )
    op.create_index("dashboard_sessions_by_user", "dashboard_sessions", ["user_id"])
    op.create_table(
        "dashboard_login_failures",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("failed_at", TIMESTAMP, nullable=False),
    )
    op.create_index(
        "dashboard_login_failures_by_email", "dashboard_login_failures", ["email", "failed_at"]
    )


def downgrade() -> None:
    op.drop_table("dashboard_login_failures")
    op.drop_table("dashboard_sessions")
    op.drop_table("dashboard_users")
