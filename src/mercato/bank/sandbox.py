"""The bank's standing customers in the sandbox and the demo: the platform and the issuer.

``provision`` (run by ``mercato bank serve`` and the demo at every start; idempotent) makes
sure that the platform ("Mercato Payments") has a USD and an EUR account and an H2H token,
and that the issuing bank has a USD and an EUR settlement account, prefunded (the issuer's
money at the central bank), so interbank settlement can pay the platform.

The platform's token is the setting ``bank_h2h_token`` when given; otherwise the bank makes
one and writes it to ``<data dir>/bank-h2h-token`` (mode 0600), where the platform reads
it. Only its SHA-256 is in the bank's database.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from mercato.bank import customers, records
from mercato.bank.bank import CommercialBank
from mercato.bank.records import Account, Customer, CustomerKind
from mercato.money import Currency, Money

TOKEN_FILE = "bank-h2h-token"  # noqa: S105 -- the name of the file, not a secret
PLATFORM_NAME = "Mercato Payments"
ISSUER_NAME = "Mercato Issuing Bank"
ISSUER_PREFUNDING = Money.from_major("1000000000.00", "USD").minor
"""What the issuer keeps on each settlement account in the sandbox (in minor units)."""


@dataclass(frozen=True)
class SandboxParties:
    platform: Customer
    platform_accounts: dict[str, Account]
    issuer: Customer
    issuer_accounts: dict[str, Account]
    token_file: Path | None


def _write_token(path: Path, token: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(token + "\n")
    path.chmod(0o600)


def read_token(data_dir: Path) -> str | None:
    """The platform's token as the bank wrote it, for the platform to read."""
    path = data_dir / TOKEN_FILE
    return path.read_text().strip() if path.exists() else None


def _platform_token(bank: CommercialBank) -> tuple[str, Path | None]:
    configured = bank.settings.bank_h2h_token
    if configured is not None:
        return configured.get_secret_value(), None
    path = bank.settings.data_dir / TOKEN_FILE
    return read_token(bank.settings.data_dir) or f"h2h_{secrets.token_urlsafe(32)}", path


def _customer(
    bank: CommercialBank, kind: CustomerKind, name: str, token: str, *, keep_token: bool
) -> Customer:
    """The first customer of ``kind``, made if missing; ``keep_token``: its token is ``token``."""
    with bank.ledger.begin() as book:
        existing = records.customers_of_kind(book.connection, kind)
        if existing:
            customer = existing[0]
            if keep_token:
                records.set_customer(
                    book.connection, customer.id, h2h_token_digest=customers.token_digest(token)
                )
            return customer
        return customers.create_customer(book, name=name, kind=kind, h2h_token=token).customer


def _accounts(bank: CommercialBank, customer: Customer) -> dict[str, Account]:
    found: dict[str, Account] = {}
    for account in bank.accounts(customer.id):
        if account.is_open:
            found.setdefault(account.currency.code, account)
    for code in ("USD", "EUR"):
        if code not in found:
            found[code] = bank.open_account(str(customer.id), Currency.of(code))
    return found


def provision(bank: CommercialBank) -> SandboxParties:
    """Make sure the platform and the issuer are customers with their accounts (idempotent)."""
    token, path = _platform_token(bank)
    platform = _customer(bank, CustomerKind.PLATFORM, PLATFORM_NAME, token, keep_token=True)
    if path is not None:
        _write_token(path, token)
    issuer_token = f"h2h_{secrets.token_urlsafe(32)}"
    issuer = _customer(bank, CustomerKind.ISSUER, ISSUER_NAME, issuer_token, keep_token=False)
    issuer_accounts = _accounts(bank, issuer)
    for code, account in issuer_accounts.items():
        bank.deposit(
            account.account_number,
            Money.of_minor(ISSUER_PREFUNDING, code),
            key=f"sandbox:prefunding:{account.id}",
            counterparty=ISSUER_NAME,
        )
    return SandboxParties(platform, _accounts(bank, platform), issuer, issuer_accounts, path)
