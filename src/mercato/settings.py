"""Settings, read once from the environment (prefix ``MERCATO_``) and from the command line.

Every party (the platform, the issuing bank and the commercial bank) keeps its own
database. In the embedded default each is an SQLite file under the data directory; in
production each URL points at PostgreSQL (``postgresql+psycopg://...``).
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Party(enum.StrEnum):
    """A party of the brief that keeps books of its own, in a database of its own."""

    PLATFORM = "platform"
    ISSUER = "issuer"
    BANK = "bank"


class Settings(BaseSettings):
    """Mercato's configuration. Field ``x`` is read from ``MERCATO_X``."""

    model_config = SettingsConfigDict(env_prefix="MERCATO_", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"), description="Where the embedded databases, keys and files live."
    )
    database_url: str | None = Field(
        default=None,
        description="The platform's database; default: an SQLite file in the data directory.",
    )
    issuer_database_url: str | None = Field(
        default=None,
        description="The issuing bank's database; default: an SQLite file in the data directory.",
    )
    issuer_address: str = Field(
        default="127.0.0.1:8583",
        description="Where the issuing bank listens for ISO 8583 (host:port).",
    )
    issuer_acs_url: str | None = Field(
        default=None,
        description="The issuing bank's 3-D Secure server (https://host:port); unset: none.",
    )
    issuer_acs_ca_bundle: str | None = Field(
        default=None, description="CA certificates (PEM) to trust for the 3-D Secure server."
    )
    bank_database_url: str | None = Field(
        default=None,
        description="The commercial bank's database; default: an SQLite file in the data dir.",
    )
    bank_url: str = Field(
        default="http://127.0.0.1:8600",
        description="The commercial bank's host-to-host and internet-banking service.",
    )
    bank_h2h_token: SecretStr | None = Field(
        default=None,
        description=(
            "The platform's host-to-host token at the commercial bank; unset: the token the "
            "bank wrote into <data dir>/bank-h2h-token."
        ),
    )
    clearing_token: SecretStr | None = Field(
        default=None,
        description=(
            "The secret the platform shows the issuer with each clearing file, the same for "
            "both; unset: the token in <data dir>/clearing-token (made by whichever needs it "
            "first)."
        ),
    )
    vault_master_keys: SecretStr | None = Field(
        default=None,
        description=(
            "The card vault's master keys, 'id:base64-of-32-bytes' separated by commas; the "
            "first wraps new data keys. Default: a key file made in the data directory."
        ),
    )
    vault_fingerprint_key: SecretStr | None = Field(
        default=None,
        description="The key of the card-number fingerprint (HMAC); default: from the key file.",
    )
    clock: Literal["system", "sandbox"] = Field(
        default="system",
        description=(
            "The wall clock, or the sandbox's clock that `mercato clock advance` moves forward "
            "(kept in DATA_DIR/sandbox-clock.json; `mercato demo` always runs on it)."
        ),
    )
    smtp_host: str | None = Field(
        default=None,
        description="The SMTP server for receipts; unset: none (the demo: its own mailbox).",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="The SMTP server's port.")
    smtp_sender: str = Field(
        default="receipts@mercato.localhost", description="The From address of receipts."
    )
    smtp_starttls: bool = Field(default=False, description="Upgrade SMTP connections (STARTTLS).")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["console", "json"] = "console"

    def database_url_for(self, party: Party) -> str:
        """The SQLAlchemy URL of a party's database."""
        configured = {
            Party.PLATFORM: self.database_url,
            Party.ISSUER: self.issuer_database_url,
            Party.BANK: self.bank_database_url,
        }[party]
        if configured:
            return configured
        return f"sqlite:///{(self.data_dir / f'{party.value}.sqlite3').resolve()}"

    def parties(self) -> tuple[Party, ...]:
        """The parties whose databases this installation runs."""
        return tuple(Party)
