"""Captures and refunds waiting to be presented to their issuers, and the daily clearing
files that present them.

Risk: none; creates two new tables. Captures and refunds made before this revision have no
presentment and are never cleared: a sandbox that has them should be started afresh.

Revision ID: processor_0003
Revises: processor_0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "processor_0003"
down_revision: str | Sequence[str] | None = "processor_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "processor_presentments",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("authorisation_id", sa.Uuid, nullable=False),
        sa.Column("issuer", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(6), nullable=False),
        sa.Column("reference", sa.String(40), nullable=False),
        sa.Column("rrn", sa.String(12), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("clearing_file_id", sa.String(64), nullable=True),
    )
    op.create_index(
        "processor_presentments_to_clear",
        "processor_presentments",
        ["issuer", "clearing_file_id", "created_at"],
    )
    op.create_index(
        "processor_presentments_by_reference",
        "processor_presentments",
        ["reference"],
        unique=True,
    )
    op.create_table(
        "processor_clearing_files",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("issuer", sa.String(40), nullable=False),
        sa.Column("business_date", sa.Date, nullable=False),
        sa.Column("cutoff", TIMESTAMP, nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("totals", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("report", JSON, nullable=True),
        sa.Column("reported_at", TIMESTAMP, nullable=True),
        sa.Column("settled_at", TIMESTAMP, nullable=True),
        sa.UniqueConstraint("issuer", "business_date", name="processor_clearing_files_one_a_day"),
    )


def downgrade() -> None:
    op.drop_table("processor_clearing_files")
    op.drop_index("processor_presentments_by_reference", table_name="processor_presentments")
    op.drop_index("processor_presentments_to_clear", table_name="processor_presentments")
    op.drop_table("processor_presentments")
