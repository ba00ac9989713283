"""The issuer books from clearing files: the files it took (with the report it gave), and
authorisations found by retrieval reference number.

Risk: low; a new table, and an index built on issuer_authorisations (a lock while it is
built on PostgreSQL; the simulator's table is small).

Revision ID: issuer_0002
Revises: issuer_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "issuer_0002"
down_revision: str | Sequence[str] | None = "issuer_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "issuer_clearing_files",
        sa.Column("file_id", sa.String(64), primary_key=True),
        sa.Column("acquirer_id", sa.String(11), nullable=False),
        sa.Column("business_date", sa.Date, nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("report", JSON, nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_issuer_authorisations_rrn", "issuer_authorisations", ["acquirer_id", "rrn"])


def downgrade() -> None:
    op.drop_index("ix_issuer_authorisations_rrn", table_name="issuer_authorisations")
    op.drop_table("issuer_clearing_files")
