"""The commercial bank on SQLite and PostgreSQL; its books are proven after every scenario."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bank_files import Parties

from mercato.bank import CommercialBank
from mercato.bank.sandbox import provision
from mercato.clock import ManualClock
from mercato.database.engine import create_engine, reading
from mercato.ledger import verify
from mercato.settings import Settings


@pytest.fixture
def bank(database_url: str, tmp_path: Path, clock: ManualClock) -> Iterator[CommercialBank]:
    """A bank open on Monday 2 November 2026, 09:30 UTC; afterwards its books must verify."""
    settings = Settings(data_dir=tmp_path, bank_database_url=database_url)
    bank = CommercialBank(settings, clock, engine=create_engine(database_url)).open()
    yield bank
    with reading(bank.engine) as connection:
        report = verify(connection, "bank")
    assert report.findings == [], "the bank's books do not balance after this scenario"
    bank.close()


@pytest.fixture
def parties(bank: CommercialBank) -> Parties:
    """The platform (funded with USD 10,000 and EUR 10,000), the issuer, and two merchants."""
    return Parties.made_at(bank, provision(bank))
