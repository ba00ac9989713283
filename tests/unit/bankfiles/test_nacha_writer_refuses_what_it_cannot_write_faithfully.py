"""A payout file is written whole and true, or not at all."""

from __future__ import annotations

import datetime as dt

import pytest
from bankfile_examples import EFFECTIVE, NOW, ORIGINATOR, ach_payout, us_account
from stdnum.us import rtn

from mercato.bankfiles.errors import (
    AmountOutOfRange,
    DuplicateReference,
    EmptyFile,
    InvalidReference,
    InvalidRoutingNumber,
    UnsupportedText,
)
from mercato.bankfiles.nacha import MAX_ENTRY_AMOUNT, AchPayout, Originator, write_payout_file


def write(payouts: list[AchPayout], **options: object) -> str:
    return write_payout_file(
        payouts,
        originator=ORIGINATOR,
        created_at=options.get("created_at", NOW),  # type: ignore[arg-type]
        effective_date=EFFECTIVE,
        file_id_modifier=options.get("file_id_modifier", "A"),  # type: ignore[arg-type]
    ).text


def test_the_largest_amount_an_entry_holds_is_written() -> None:
    assert MAX_ENTRY_AMOUNT == 9_999_999_999  # $99,999,999.99
    assert "9999999999" in write([ach_payout(amount=MAX_ENTRY_AMOUNT)])


@pytest.mark.parametrize("amount", [MAX_ENTRY_AMOUNT + 1, 0, -100])
def test_an_amount_the_entry_field_cannot_hold_is_refused_not_truncated(amount: int) -> None:
    with pytest.raises(AmountOutOfRange) as refused:
        write([ach_payout(amount=amount)])
    assert refused.value.code == "amount_out_of_range"
    assert "po_1" in str(refused.value)


def test_a_float_amount_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        write([ach_payout(amount=123.45)])  # type: ignore[arg-type]


def test_a_file_total_wider_than_its_twelve_digits_is_refused() -> None:
    payouts = [ach_payout(f"po_{i}", MAX_ENTRY_AMOUNT) for i in range(101)]
    with pytest.raises(AmountOutOfRange, match="total credit"):
        write(payouts)


def test_an_empty_payout_run_writes_no_file() -> None:
    with pytest.raises(EmptyFile):
        write([])


def test_two_payouts_with_one_id_are_refused() -> None:
    with pytest.raises(DuplicateReference):
        write([ach_payout("po_1"), ach_payout("PO_1")])


@pytest.mark.parametrize("payout_id", ["", "po 1", "p" * 81, "po_é"])
def test_a_payout_id_nacha_cannot_carry_whole_is_refused(payout_id: str) -> None:
    with pytest.raises(InvalidReference):
        write([ach_payout(payout_id)])


def test_a_receiver_name_without_a_latin_spelling_is_refused() -> None:
    with pytest.raises(UnsupportedText, match="po_1"):
        write([ach_payout(name="北京商店")])


@pytest.mark.parametrize("modifier", ["a", "AB", "", "-"])
def test_the_file_id_modifier_is_one_upper_case_letter_or_digit(modifier: str) -> None:
    with pytest.raises(InvalidReference):
        write([ach_payout()], file_id_modifier=modifier)


def test_the_creation_time_must_say_its_time_zone() -> None:
    with pytest.raises(ValueError, match="timezone"):
        write([ach_payout()], created_at=dt.datetime(2026, 3, 2, 9, 30))  # noqa: DTZ001


def test_the_creation_time_is_written_in_utc() -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    header = write([ach_payout()], created_at=dt.datetime(2026, 3, 2, 10, 30, tzinfo=paris))
    assert header[23:33] == "2603020930"


def test_an_originator_with_a_bad_routing_number_is_refused() -> None:
    with pytest.raises(InvalidRoutingNumber):
        Originator(
            company_name="Mercato",
            company_id="1234567890",
            odfi_routing_number="011000016",
            destination_routing_number="011000015",
            destination_name="Bank",
            origin="1234567890",
            origin_name="Mercato",
        )


def test_payouts_are_sent_to_the_routing_numbers_they_name() -> None:
    account = us_account("091000019", "99887766")
    assert rtn.is_valid(account.routing_number)
    entry = write([ach_payout(account=account)]).splitlines()[2]
    assert entry[3:12] == "091000019"
