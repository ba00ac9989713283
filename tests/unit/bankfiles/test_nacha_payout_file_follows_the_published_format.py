"""The USD payout file, checked record by record against the NACHA Operating Rules' layouts.

Positions in these tests are the Rules' own (1-based, inclusive) and are sliced by hand here,
not through the package's layout tables, so a mistake in those tables shows up.
"""

from __future__ import annotations

import pytest
from bankfile_examples import (
    EFFECTIVE,
    NOW,
    ORIGINATOR,
    ach_payout,
    ach_payouts,
    routing_number,
    us_account,
)
from hypothesis import given, settings

from mercato.bankfiles.accounts import AccountType, HolderType
from mercato.bankfiles.nacha import AchPayout, WrittenAchFile, read_ach_file, write_payout_file


def field(line: str, start: int, end: int) -> str:
    """Positions `start` to `end` of a record, counted from 1 as the Rules count them."""
    return line[start - 1 : end]


def four_payouts() -> WrittenAchFile:
    """Four payouts to four banks, worked out by hand below."""
    return write_payout_file(
        [
            ach_payout("po_1", 12345, "Acme Hardware LLC", us_account("011000015", "123456789")),
            ach_payout("po_2", 100, "Bolt & Nut Co", us_account("021000021", "00001234")),
            ach_payout(
                "po_3",
                250000,
                "Cedar Savings Club",
                us_account("121000358", "5555666677778888", AccountType.SAVINGS),
            ),
            ach_payout("po_4", 1, "Delta Crafts", us_account("026009593", "4321")),
        ],
        originator=ORIGINATOR,
        created_at=NOW,
        effective_date=EFFECTIVE,
    )


def test_every_record_is_94_characters_and_the_file_is_blocked_to_ten() -> None:
    lines = four_payouts().text.splitlines()
    assert all(len(line) == 94 for line in lines)
    # 1 header + 1 batch header + 4 entries + 4 addenda + 1 batch control + 1 file control
    # = 12 records, padded with eight records of ninety-four 9s to fill two blocks.
    assert len(lines) == 20
    assert [line[0] for line in lines[:12]] == list("156767676789")
    assert lines[12:] == ["9" * 94] * 8


def test_the_file_header_says_who_sends_what_to_whom_and_when() -> None:
    header = four_payouts().text.splitlines()[0]
    assert field(header, 1, 1) == "1"
    assert field(header, 2, 3) == "01"  # priority code
    assert field(header, 4, 13) == " 011000015"  # immediate destination: blank + routing
    assert field(header, 14, 23) == "1234567890"  # immediate origin
    assert field(header, 24, 29) == "260302"  # file creation date, YYMMDD, from the clock
    assert field(header, 30, 33) == "0930"  # file creation time, HHMM
    assert field(header, 34, 34) == "A"  # file ID modifier
    assert field(header, 35, 37) == "094"  # record size
    assert field(header, 38, 39) == "10"  # blocking factor
    assert field(header, 40, 40) == "1"  # format code
    assert field(header, 41, 63) == "MERCATO COMMERCIAL BANK"
    assert field(header, 64, 86) == "MERCATO PAYMENTS".ljust(23)
    assert field(header, 87, 94) == " " * 8


def test_payouts_to_companies_go_in_one_ccd_batch_of_credits() -> None:
    batch = four_payouts().text.splitlines()[1]
    assert field(batch, 1, 1) == "5"
    assert field(batch, 2, 4) == "220"  # credits only
    assert field(batch, 5, 20) == "MERCATO PAYMENTS"
    assert field(batch, 41, 50) == "1234567890"
    assert field(batch, 51, 53) == "CCD"
    assert field(batch, 54, 63) == "PAYOUT    "
    assert field(batch, 70, 75) == "260303"  # effective entry date
    assert field(batch, 76, 78) == "   "  # settlement date: the ACH operator's to fill
    assert field(batch, 79, 79) == "1"  # originator status
    assert field(batch, 80, 87) == "01100001"  # originating DFI
    assert field(batch, 88, 94) == "0000001"


def test_an_entry_detail_carries_the_account_the_amount_in_cents_and_a_trace_number() -> None:
    written = four_payouts()
    entry = written.text.splitlines()[2]
    assert field(entry, 1, 1) == "6"
    assert field(entry, 2, 3) == "22"  # checking credit
    assert field(entry, 4, 11) == "01100001"  # receiving DFI
    assert field(entry, 12, 12) == "5"  # its check digit
    assert field(entry, 13, 29) == "123456789        "
    assert field(entry, 30, 39) == "0000012345"  # $123.45
    assert field(entry, 40, 54) == "PO_1           "
    assert field(entry, 55, 76) == "ACME HARDWARE LLC     "
    assert field(entry, 77, 78) == "  "
    assert field(entry, 79, 79) == "1"  # an addenda follows
    assert field(entry, 80, 94) == "011000010000001"  # ODFI + sequence
    assert written.trace_numbers["po_1"] == "011000010000001"
    savings = written.text.splitlines()[6]
    assert field(savings, 2, 3) == "32"  # savings credit


def test_the_addenda_carries_the_payout_id_and_points_back_to_its_entry() -> None:
    addenda = four_payouts().text.splitlines()[3]
    assert field(addenda, 1, 3) == "705"
    assert field(addenda, 4, 83) == "PO_1".ljust(80)
    assert field(addenda, 84, 87) == "0001"
    assert field(addenda, 88, 94) == "0000001"  # the entry's trace sequence


def test_the_batch_control_has_the_hand_computed_hash_counts_and_total() -> None:
    control = four_payouts().text.splitlines()[10]
    assert field(control, 1, 4) == "8220"
    assert field(control, 5, 10) == "000008"  # four entries and four addenda
    # 01100001 + 02100002 + 12100035 + 02600959 = 17900997
    assert field(control, 11, 20) == "0017900997"
    assert field(control, 21, 32) == "000000000000"  # no debits
    assert field(control, 33, 44) == "000000262446"  # 12345 + 100 + 250000 + 1 cents
    assert field(control, 45, 54) == "1234567890"
    assert field(control, 55, 79) == " " * 25
    assert field(control, 80, 87) == "01100001"
    assert field(control, 88, 94) == "0000001"


def test_the_file_control_sums_the_batches_and_counts_the_blocks() -> None:
    control = four_payouts().text.splitlines()[11]
    assert field(control, 1, 1) == "9"
    assert field(control, 2, 7) == "000001"  # batches
    assert field(control, 8, 13) == "000002"  # blocks of ten records
    assert field(control, 14, 21) == "00000008"
    assert field(control, 22, 31) == "0017900997"
    assert field(control, 32, 43) == "000000000000"
    assert field(control, 44, 55) == "000000262446"
    assert field(control, 56, 94) == " " * 39


def test_payouts_to_people_go_in_their_own_ppd_batch() -> None:
    written = write_payout_file(
        [
            ach_payout("po_1", 500),
            ach_payout("po_2", 700, "Jane Doe", us_account(holder=HolderType.INDIVIDUAL)),
        ],
        originator=ORIGINATOR,
        created_at=NOW,
        effective_date=EFFECTIVE,
    )
    headers = [line for line in written.text.splitlines() if line[0] == "5"]
    assert [field(line, 51, 53) for line in headers] == ["CCD", "PPD"]
    assert [field(line, 88, 94) for line in headers] == ["0000001", "0000002"]


def test_a_file_of_exactly_ten_records_needs_no_padding() -> None:
    three = [ach_payout(f"po_{i}", 100 + i) for i in range(3)]
    lines = write_payout_file(
        three, originator=ORIGINATOR, created_at=NOW, effective_date=EFFECTIVE
    ).text.splitlines()
    assert len(lines) == 10
    assert lines[-1][0] == "9"
    assert lines[-1] != "9" * 94


def test_the_entry_hash_keeps_only_its_last_ten_digits() -> None:
    # 130 entries at DFI 99999999 sum to 12,999,999,870: eleven digits.
    payouts = [
        ach_payout(f"po_{i}", 1, account=us_account(routing_number("99999999"))) for i in range(130)
    ]
    written = write_payout_file(
        payouts, originator=ORIGINATOR, created_at=NOW, effective_date=EFFECTIVE
    )
    control = next(line for line in written.text.splitlines() if line[0] == "8")
    assert field(control, 11, 20) == "2999999870"
    assert read_ach_file(written.text).control.totals.entry_hash == 2999999870


def test_the_file_reads_back_to_the_same_records() -> None:
    written = four_payouts()
    assert read_ach_file(written.text) == written.file


@settings(max_examples=25, deadline=None)
@given(payouts=ach_payouts())
def test_any_payouts_round_trip_and_the_controls_are_their_sums(payouts: list[AchPayout]) -> None:
    written = write_payout_file(
        payouts, originator=ORIGINATOR, created_at=NOW, effective_date=EFFECTIVE
    )
    ach_file = read_ach_file(written.text)
    entries = {entry.detail.trace_number: (header, entry) for header, entry in ach_file.entries()}
    for payout in payouts:
        header, entry = entries[written.trace_numbers[payout.payout_id]]
        assert entry.detail.amount == payout.amount
        assert entry.detail.routing_number == payout.account.routing_number
        assert entry.detail.account_number == payout.account.account_number
        assert entry.detail.transaction_code == (
            22 if payout.account.account_type is AccountType.CHECKING else 32
        )
        assert header.sec_code == (
            "CCD" if payout.account.holder_type is HolderType.COMPANY else "PPD"
        )
        assert entry.addenda[0].payment_information == payout.payout_id.upper()  # type: ignore[union-attr]
    assert ach_file.control.totals.total_credit == sum(payout.amount for payout in payouts)
    assert ach_file.control.totals.total_debit == 0
    assert ach_file.control.totals.entry_addenda_count == 2 * len(payouts)
    assert ach_file.control.totals.entry_hash == (
        sum(int(payout.account.routing_number[:8]) for payout in payouts) % 10**10
    )
    lines = written.text.splitlines()
    assert len(lines) % 10 == 0
    assert ach_file.control.block_count == len(lines) // 10


@pytest.mark.parametrize("line_ending", ["\r\n", ""])
def test_a_file_with_crlf_or_no_line_breaks_reads_the_same(line_ending: str) -> None:
    written = four_payouts()
    text = line_ending.join(written.text.splitlines()) + line_ending
    assert read_ach_file(text) == written.file


def test_a_file_read_back_never_prints_an_account_number_whole() -> None:
    ach_file = read_ach_file(four_payouts().text)
    assert "5555666677778888" not in repr(ach_file)
