"""The card vault: wrapped data keys, and card numbers sealed under them.

Risk: none; creates two new tables. Key rotation later updates only ``vault_data_keys``, a
table of one row per data key (a few per day), never ``vault_cards``.

Revision ID: vault_0001
Revises: vault_0000
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "vault_0001"
down_revision: str | Sequence[str] | None = "vault_0000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "vault_data_keys",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("master_key_id", sa.String(64), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("rewrapped_at", TIMESTAMP, nullable=True),
    )
    op.create_index("ix_vault_data_keys_master_key_id", "vault_data_keys", ["master_key_id"])
    op.create_table(
        "vault_cards",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("fingerprint", sa.String(32), nullable=False, unique=True),
        sa.Column("data_key_id", sa.Uuid, sa.ForeignKey("vault_data_keys.id"), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("brand", sa.String(16), nullable=False),
        sa.Column("bin", sa.String(6), nullable=False),
        sa.Column("last4", sa.String(4), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("vault_cards")
    op.drop_index("ix_vault_data_keys_master_key_id", table_name="vault_data_keys")
    op.drop_table("vault_data_keys")
