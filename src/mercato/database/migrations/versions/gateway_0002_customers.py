"""Customers.

Risk: none; creates a new table.

Revision ID: gateway_0002
Revises: gateway_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "gateway_0002"
down_revision: str | Sequence[str] | None = "gateway_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "gateway_customers",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=False
        ),
        sa.Column("email", sa.String(512), nullable=True),
        sa.Column("name", sa.String(256), nullable=True),
        sa.Column("description", sa.String(350), nullable=True),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("address", JSON, nullable=True),
        sa.Column("shipping", JSON, nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
    )
    op.create_index("gateway_customers_by_merchant", "gateway_customers", ["merchant_id", "id"])


def downgrade() -> None:
    op.drop_table("gateway_customers")
