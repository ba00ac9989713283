"""Payout files are applied on the bank's next processing day, once, and what cannot be
applied comes back (NACHA returns, pain.002) without debiting the platform."""

from __future__ import annotations

import datetime as dt

from bank_files import UNKNOWN_ACCOUNT_NUMBER, Parties, nacha_file, pain001_file, us

from mercato.bank import CommercialBank
from mercato.bank.records import Customer, Direction, FileKind
from mercato.bankfiles.accounts import UsBankAccount
from mercato.bankfiles.nacha import read_ach_file, returns_in
from mercato.bankfiles.pain002 import read_pain002
from mercato.clock import ManualClock
from mercato.money import Money

USD = "USD"


def usd(major: str) -> Money:
    return Money.from_major(major, USD)


def _platform(bank: CommercialBank, parties: Parties) -> Customer:
    return bank.customer(str(parties.sandbox.platform.id))


def test_a_nacha_payout_is_credited_to_the_merchant_on_the_next_processing_day(
    bank: CommercialBank, parties: Parties, clock: ManualClock
) -> None:
    content = nacha_file([("po_1", 12_345, us(parties.acme_usd))], created_at=clock.now())
    received = bank.receive_file(_platform(bank, parties), "payouts-20261102-0001.ach", content)
    assert received.file.kind is FileKind.NACHA
    assert received.file.processing_day == dt.date(2026, 11, 2)

    assert bank.run_due() == []  # before the cut-off nothing moves
    assert bank.balance(parties.acme_usd).posted == usd("0")

    clock.advance(dt.timedelta(hours=7))  # 16:30, past the cut-off
    (report,) = bank.run_due()
    assert (report.day, report.applied, report.returned) == (dt.date(2026, 11, 2), 1, 0)
    assert bank.balance(parties.acme_usd).posted == usd("123.45")
    assert bank.balance(parties.platform_usd).posted == usd("9876.55")
    (arrived,) = bank.entries(parties.acme_usd)
    assert arrived.direction == "CRDT"
    assert arrived.remittance == "PO_1"
    assert arrived.counterparty == "MERCATO PAYMENTS"  # NACHA carries capitals


def test_a_file_received_on_friday_after_the_cutoff_is_applied_on_monday(
    bank: CommercialBank, parties: Parties, clock: ManualClock
) -> None:
    clock.advance(dt.timedelta(days=4, hours=7))  # Friday 6 November, 16:30
    content = nacha_file([("po_fri", 5_000, us(parties.acme_usd))], created_at=clock.now())
    received = bank.receive_file(_platform(bank, parties), "payouts-friday.ach", content)
    assert received.file.processing_day == dt.date(2026, 11, 9)

    clock.advance(dt.timedelta(days=2))  # Sunday
    assert [r.day for r in bank.run_due()][-1] == dt.date(2026, 11, 6)
    assert bank.balance(parties.acme_usd).posted == usd("0")

    clock.advance(dt.timedelta(days=1))  # Monday 16:30
    (monday,) = bank.run_due()
    assert (monday.day, monday.applied) == (dt.date(2026, 11, 9), 1)
    assert bank.balance(parties.acme_usd).posted == usd("50.00")


def test_moving_the_clock_two_days_processes_both_days_in_order(
    bank: CommercialBank, parties: Parties, clock: ManualClock
) -> None:
    clock.advance(dt.timedelta(days=2, hours=7))
    assert [r.day for r in bank.run_due()] == [dt.date(2026, 11, 2), dt.date(2026, 11, 3),
                                                dt.date(2026, 11, 4)]  # fmt: skip
    assert bank.run_due() == []


def test_the_same_file_twice_changes_nothing(
    bank: CommercialBank, parties: Parties, clock: ManualClock
) -> None:
    platform = _platform(bank, parties)
    content = nacha_file([("po_1", 12_345, us(parties.acme_usd))], created_at=clock.now())
    first = bank.receive_file(platform, "payouts-1.ach", content)
    again = bank.receive_file(platform, "payouts-1.ach", content)
    assert (again.file.id, again.created) == (first.file.id, False)
    clock.advance(dt.timedelta(hours=7))
    bank.run_due()
    assert bank.process_day(dt.date(2026, 11, 2)).already_processed
    assert bank.run_due() == []
    assert bank.balance(parties.acme_usd).posted == usd("123.45")
    assert len(bank.entries(parties.acme_usd)) == 1


def test_an_entry_to_an_unknown_account_comes_back_r03_and_the_platform_keeps_its_money(
    bank: CommercialBank, parties: Parties, clock: ManualClock
) -> None:
    platform = _platform(bank, parties)
    unknown = UsBankAccount(parties.acme_usd.routing_number, UNKNOWN_ACCOUNT_NUMBER)
    mistyped = UsBankAccount(parties.acme_usd.routing_number, "12345")
    content = nacha_file(
        [("po_ok", 1_000, us(parties.acme_usd)), ("po_lost", 2_000, unknown),
         ("po_typo", 3_000, mistyped)],
        created_at=clock.now(),
    )  # fmt: skip
    bank.receive_file(platform, "payouts-2.ach", content)
    clock.advance(dt.timedelta(hours=7))
    (report,) = bank.run_due()
    assert (report.applied, report.returned) == (1, 2)
    assert bank.balance(parties.platform_usd).posted == usd("9990.00")

    (returns,) = [f for f in bank.files(platform, direction=Direction.OUT)
                  if f.kind is FileKind.NACHA_RETURNS]  # fmt: skip
    _, text = bank.file(returns.id)
    came_back = {r.identification.strip(): r.reason_code
                 for r in returns_in(read_ach_file(text.decode()))}  # fmt: skip
    assert came_back == {"PO_LOST": "R03", "PO_TYPO": "R04"}


def test_a_nacha_credit_to_a_closed_account_comes_back_r02(
    bank: CommercialBank, parties: Parties, clock: ManualClock
) -> None:
    bank.close_account(parties.acme_usd.account_number)
    bank.receive_file(
        _platform(bank, parties),
        "payouts-3.ach",
        nacha_file([("po_1", 1_000, us(parties.acme_usd))], created_at=clock.now()),
    )
    clock.advance(dt.timedelta(hours=7))
    bank.run_due()
    (returns,) = [f for f in bank.files(direction=Direction.OUT)
                  if f.kind is FileKind.NACHA_RETURNS]  # fmt: skip
    (returned,) = returns_in(read_ach_file(bank.file(returns.id)[1].decode()))
    assert returned.reason_code == "R02"
    assert bank.balance(parties.platform_usd).posted == usd("10000.00")


def test_a_sepa_transfer_to_a_closed_account_is_rejected_ac04_in_a_pain002(
    bank: CommercialBank, parties: Parties, clock: ManualClock
) -> None:
    closed = bank.open_account(str(parties.dupont.id), "eur")
    bank.close_account(closed.iban)
    content = pain001_file(
        parties.platform_eur,
        [("PO-OK", 2_500, parties.dupont_eur.iban), ("PO-CLOSED", 1_000, closed.iban)],
        created_at=clock.now(),
    )
    received = bank.receive_file(_platform(bank, parties), "payouts-1.xml", content)
    assert received.file.kind is FileKind.PAIN001
    clock.advance(dt.timedelta(hours=7))
    bank.run_due()

    assert bank.balance(parties.dupont_eur).posted == Money.from_major("25.00", "EUR")
    assert bank.balance(parties.platform_eur).posted == Money.from_major("9975.00", "EUR")
    (report_file,) = [f for f in bank.files(direction=Direction.OUT) if f.kind is FileKind.PAIN002]
    report = read_pain002(bank.file(report_file.id)[1])
    assert report.group_status == "PART"
    assert [(t.end_to_end_id, t.reason_code) for t in report.transactions] == [
        ("PO-CLOSED", "AC04")
    ]


def test_a_payout_the_platform_cannot_cover_comes_back_r01(
    bank: CommercialBank, parties: Parties, clock: ManualClock
) -> None:
    content = nacha_file(
        [("po_small", 100_000, us(parties.acme_usd)), ("po_huge", 950_000, us(parties.acme_usd))],
        created_at=clock.now(),
    )
    bank.receive_file(_platform(bank, parties), "payouts-4.ach", content)
    clock.advance(dt.timedelta(hours=7))
    (report,) = bank.run_due()
    assert (report.applied, report.returned) == (1, 1)
    assert bank.balance(parties.acme_usd).posted == usd("1000.00")
    assert bank.balance(parties.platform_usd).posted == usd("9000.00")
