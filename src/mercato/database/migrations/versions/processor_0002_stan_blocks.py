"""STANs handed out a block at a time, so that several API processes never send the same
one in the same second.

Risk: none; creates a one-row table.

Revision ID: processor_0002
Revises: processor_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "processor_0002"
down_revision: str | Sequence[str] | None = "processor_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    blocks = op.create_table(
        "processor_stan_blocks",
        sa.Column("name", sa.String(20), primary_key=True),
        sa.Column("next_block", sa.Integer, nullable=False),
    )
    op.bulk_insert(blocks, [{"name": "network", "next_block": 0}])


def downgrade() -> None:
    op.drop_table("processor_stan_blocks")
