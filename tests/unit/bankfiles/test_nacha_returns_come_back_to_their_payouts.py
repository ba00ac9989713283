"""The bank sends back ACH credits it cannot apply; the platform finds which payout each was."""

from __future__ import annotations

import datetime as dt

import pytest
from bankfile_examples import BANK_ROUTING, EFFECTIVE, NOW, ORIGINATOR, ach_payout, us_account

from mercato.bankfiles.accounts import AccountType, HolderType
from mercato.bankfiles.errors import EmptyFile, InvalidReference
from mercato.bankfiles.nacha import (
    AchFile,
    ReturnReason,
    ReturnRequest,
    WrittenAchFile,
    describe_return_reason,
    read_ach_file,
    returns_in,
    write_payout_file,
    write_returns_file,
)

NEXT_DAY = dt.datetime(2026, 3, 3, 6, 0, tzinfo=dt.UTC)


def payout_file() -> WrittenAchFile:
    return write_payout_file(
        [
            ach_payout("po_1", 12345, "Acme Hardware LLC", us_account("021000021", "11112222")),
            ach_payout("po_2", 500, "Bolt Co", us_account("026009593", "33334444")),
            ach_payout(
                "po_3", 700, "Cedar Club", us_account("121000358", "55556666", AccountType.SAVINGS)
            ),
        ],
        originator=ORIGINATOR,
        created_at=NOW,
        effective_date=EFFECTIVE,
    )


def bank_returns(ingested: AchFile, reasons: dict[str, ReturnReason]) -> str:
    """What the simulated bank does: return the entries of the accounts it cannot find."""
    requests = [
        ReturnRequest(batch=header, entry=entry.detail, reason=reasons[entry.detail.account_number])
        for header, entry in ingested.entries()
        if entry.detail.account_number in reasons
    ]
    return write_returns_file(
        requests,
        returning_bank_routing_number=BANK_ROUTING,
        returning_bank_name="Mercato Commercial Bank",
        destination_name="Mercato Payments",
        created_at=NEXT_DAY,
        effective_date=NEXT_DAY.date(),
    ).text()


def test_an_unknown_account_and_an_invalid_number_come_back_with_r03_and_r04() -> None:
    written = payout_file()
    ingested = read_ach_file(written.text)
    text = bank_returns(
        ingested,
        {"11112222": ReturnReason.NO_ACCOUNT, "55556666": ReturnReason.INVALID_ACCOUNT_NUMBER},
    )
    returned = returns_in(read_ach_file(text))
    by_payout = {trace: payout for payout, trace in written.trace_numbers.items()}
    assert [(by_payout[r.original_trace_number], r.reason_code, r.amount) for r in returned] == [
        ("po_1", "R03", 12345),
        ("po_3", "R04", 700),
    ]
    assert returned[0].reason == "No account/unable to locate account"
    assert returned[1].reason == "Invalid account number structure"
    assert returned[0].account_last4 == "2222"


def test_a_returns_file_follows_the_published_return_layout() -> None:
    ingested = read_ach_file(payout_file().text)
    lines = bank_returns(ingested, {"55556666": ReturnReason.NO_ACCOUNT}).splitlines()
    assert len(lines) == 10  # 1, 5, 6, 7, 8, 9 and four padding records
    header, batch, entry, addenda, control, file_control = lines[:6]
    assert header[3:13] == " 011000015"  # back to the originating bank
    assert header[13:23] == " 011000015"  # from the returning bank
    assert batch[1:4] == "220"
    assert batch[50:53] == "CCD"  # the original batch's entry class and company
    assert batch[40:50] == "1234567890"
    assert entry[1:3] == "31"  # return of a savings credit (32)
    assert entry[3:12] == "011000015"  # to the originating bank
    assert entry[12:29] == "55556666".ljust(17)
    assert entry[29:39] == "0000000700"
    assert entry[78] == "1"
    assert addenda[0:3] == "799"
    assert addenda[3:6] == "R03"
    assert addenda[6:21] == "011000010000003"  # the original entry's trace number
    assert addenda[21:27] == " " * 6  # date of death
    assert addenda[27:35] == "12100035"  # the original receiving DFI
    assert addenda[79:94] == entry[79:94]  # the return's own trace number
    assert control[4:10] == "000002"
    assert control[32:44] == "000000000700"
    assert file_control[7:13] == "000001"


def test_a_checking_credit_comes_back_as_a_transaction_code_21() -> None:
    ingested = read_ach_file(payout_file().text)
    entry = bank_returns(ingested, {"33334444": ReturnReason.ACCOUNT_CLOSED}).splitlines()[2]
    assert entry[1:3] == "21"


def test_returns_for_entries_of_two_batches_keep_their_batches() -> None:
    ingested = read_ach_file(
        write_payout_file(
            [
                ach_payout("po_1", 100, account=us_account(number="1111")),
                ach_payout(
                    "po_2",
                    200,
                    "Jane Doe",
                    us_account(number="2222", holder=HolderType.INDIVIDUAL),
                ),
            ],
            originator=ORIGINATOR,
            created_at=NOW,
            effective_date=EFFECTIVE,
        ).text
    )
    returns = read_ach_file(
        bank_returns(ingested, {"1111": ReturnReason.NO_ACCOUNT, "2222": ReturnReason.NO_ACCOUNT})
    )
    assert [batch.header.sec_code for batch in returns.batches] == ["CCD", "PPD"]


def test_a_payout_file_has_no_returns_in_it() -> None:
    assert returns_in(read_ach_file(payout_file().text)) == []


def test_nothing_to_return_writes_no_file() -> None:
    with pytest.raises(EmptyFile):
        bank_returns(read_ach_file(payout_file().text), {})


def test_a_return_cannot_itself_be_returned() -> None:
    ingested = read_ach_file(payout_file().text)
    returns = read_ach_file(bank_returns(ingested, {"11112222": ReturnReason.NO_ACCOUNT}))
    with pytest.raises(InvalidReference, match="is a return"):
        bank_returns(returns, {"11112222": ReturnReason.NO_ACCOUNT})


def test_a_reason_code_not_listed_is_still_read_and_named_plainly() -> None:
    ingested = read_ach_file(payout_file().text)
    lines = bank_returns(ingested, {"11112222": ReturnReason.NO_ACCOUNT}).splitlines()
    lines[3] = lines[3][:3] + "R85" + lines[3][6:]
    returned = returns_in(read_ach_file("\n".join(lines)))
    assert returned[0].reason_code == "R85"
    assert returned[0].reason == "return reason R85"
    assert describe_return_reason("R02") == "Account closed"
