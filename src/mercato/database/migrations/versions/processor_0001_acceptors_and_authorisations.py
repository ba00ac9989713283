"""The processor begins: card acceptors (merchants as the network knows them) and the
authorisations sent to issuers.

Risk: none; creates two new tables.

Revision ID: processor_0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "processor_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("processor",)
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "processor_acceptors",
        sa.Column("merchant_id", sa.String(40), primary_key=True),
        sa.Column("mid", sa.String(15), nullable=False),
        sa.Column("terminal_id", sa.String(8), nullable=False),
        sa.Column("mcc", sa.String(4), nullable=False),
        sa.Column("fee_percent", sa.String(12), nullable=False),
        sa.Column("fee_fixed", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index("processor_acceptors_by_mid", "processor_acceptors", ["mid"], unique=True)
    op.create_table(
        "processor_authorisations",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("merchant_id", sa.String(40), nullable=False),
        sa.Column("reference", sa.String(40), nullable=False),
        sa.Column("issuer", sa.String(40), nullable=False),
        sa.Column("vault_card_id", sa.Uuid, nullable=False),
        sa.Column("acquirer_id", sa.String(11), nullable=False),
        sa.Column("stan", sa.Integer, nullable=False),
        sa.Column("rrn", sa.String(12), nullable=False),
        sa.Column("transmitted_at", TIMESTAMP, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("response_code", sa.String(2), nullable=True),
        sa.Column("approval_code", sa.String(6), nullable=True),
        sa.Column("cvc_result", sa.String(1), nullable=True),
        sa.Column("completed_amount", sa.BigInteger, nullable=True),
        sa.Column("follow_up", sa.String(8), nullable=True),
        sa.Column("follow_up_error", sa.String(200), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_index(
        "processor_authorisations_by_rrn", "processor_authorisations", ["rrn"], unique=True
    )
    op.create_index(
        "processor_authorisations_by_reference", "processor_authorisations", ["reference"]
    )


def downgrade() -> None:
    op.drop_table("processor_authorisations")
    op.drop_table("processor_acceptors")
