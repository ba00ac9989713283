"""The issuing bank: cardholders, accounts, cards, authorisations, 3-D Secure, switches.

Risk: none; creates new tables only.

Revision ID: issuer_0001
Revises: issuer_0000
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "issuer_0001"
down_revision: str | Sequence[str] | None = "issuer_0000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "issuer_cardholders",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "issuer_accounts",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("cardholder_id", sa.Uuid, sa.ForeignKey("issuer_cardholders.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("ledger_code", sa.String(200), nullable=False, unique=True),
        sa.Column("credit_limit", sa.BigInteger, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("kind IN ('debit', 'credit')", name="issuer_accounts_kind"),
    )
    op.create_table(
        "issuer_cards",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("vault_card_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("account_id", sa.Uuid, sa.ForeignKey("issuer_accounts.id"), nullable=False),
        sa.Column("brand", sa.String(20), nullable=False),
        sa.Column("last4", sa.String(4), nullable=False),
        sa.Column("expiry_year", sa.SmallInteger, nullable=False),
        sa.Column("expiry_month", sa.SmallInteger, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("requires_3ds", sa.Boolean, nullable=False),
        sa.Column("accepts_any_expiry", sa.Boolean, nullable=False),
        sa.Column("accepts_any_cvc", sa.Boolean, nullable=False),
        sa.Column("fault", sa.String(40), nullable=True),
        sa.Column("label", sa.String(200), nullable=False, server_default=""),
        sa.Column("test_card", sa.String(60), nullable=True, unique=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'lost', 'stolen', 'blocked')", name="issuer_cards_status"
        ),
    )
    op.create_index("ix_issuer_cards_last4", "issuer_cards", ["last4"])
    op.create_table(
        "issuer_authorisations",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("acquirer_id", sa.String(11), nullable=False),
        sa.Column("stan", sa.Integer, nullable=False),
        sa.Column("transmitted_at", TIMESTAMP, nullable=False),
        sa.Column("rrn", sa.String(12), nullable=False),
        sa.Column("request_digest", sa.String(64), nullable=False),
        sa.Column("card_id", sa.Uuid, sa.ForeignKey("issuer_cards.id"), nullable=True),
        sa.Column("account_id", sa.Uuid, sa.ForeignKey("issuer_accounts.id"), nullable=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("held_amount", sa.BigInteger, nullable=True),
        sa.Column("held_currency", sa.String(3), nullable=True),
        sa.Column("merchant_id", sa.String(15), nullable=False, server_default=""),
        sa.Column("merchant_name", sa.String(100), nullable=False, server_default=""),
        sa.Column("response_code", sa.String(2), nullable=False),
        sa.Column("decline", sa.String(40), nullable=True),
        sa.Column("approval_code", sa.String(6), nullable=True),
        sa.Column("cvc_result", sa.String(1), nullable=True),
        sa.Column("hold_id", sa.Uuid, nullable=True),
        sa.Column("hold_expires_at", TIMESTAMP, nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("completed_amount", sa.BigInteger, nullable=True),
        sa.Column("resolution_id", sa.Uuid, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint(
            "acquirer_id", "stan", "transmitted_at", name="issuer_authorisations_message_key"
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'declined', 'completed', 'reversed', 'expired')",
            name="issuer_authorisations_status",
        ),
    )
    # The holds still open, for the expiry sweep and `mercato issuer holds`.
    op.create_index(
        "ix_issuer_authorisations_status_expiry",
        "issuer_authorisations",
        ["status", "hold_expires_at"],
    )
    op.create_table(
        "issuer_authentications",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("card_id", sa.Uuid, sa.ForeignKey("issuer_cards.id"), nullable=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("merchant_name", sa.String(100), nullable=False),
        sa.Column("return_url", sa.String(2000), nullable=False),
        sa.Column("status", sa.String(1), nullable=False),
        sa.Column("eci", sa.String(2), nullable=True),
        sa.Column("authentication_value", sa.String(40), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("completed_at", TIMESTAMP, nullable=True),
    )
    op.create_table(
        "issuer_switches",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("changed_at", TIMESTAMP, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("issuer_switches")
    op.drop_table("issuer_authentications")
    op.drop_table("issuer_authorisations")
    op.drop_table("issuer_cards")
    op.drop_table("issuer_accounts")
    op.drop_table("issuer_cardholders")
