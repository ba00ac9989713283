"""The bank's calendar (business days, a 16:00 UTC cut-off) and its account numbering."""

from __future__ import annotations

import datetime as dt

from stdnum import iban
from stdnum.us import rtn

from mercato.bank import business_days, identity


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)  # 2 Nov 2026 is a Monday


def test_a_payment_before_the_cutoff_belongs_to_that_day_and_after_it_to_the_next() -> None:
    assert business_days.processing_day_of(at(2, 15, 59)) == dt.date(2026, 11, 2)
    assert business_days.processing_day_of(at(2, 16)) == dt.date(2026, 11, 3)


def test_friday_after_the_cutoff_and_the_weekend_roll_to_monday() -> None:
    monday = dt.date(2026, 11, 9)
    assert business_days.processing_day_of(at(6, 16, 30)) == monday
    assert business_days.processing_day_of(at(7, 12)) == monday
    assert business_days.processing_day_of(at(8, 23, 59)) == monday
    assert business_days.opens(monday) == at(6, 16)


def test_days_fall_due_in_order_once_their_cutoff_has_passed() -> None:
    due = list(business_days.due_days(dt.date(2026, 11, 5), at(9, 16)))
    assert due == [dt.date(2026, 11, 5), dt.date(2026, 11, 6), dt.date(2026, 11, 9)]
    assert list(business_days.due_days(dt.date(2026, 11, 5), at(5, 15, 59))) == []


def test_the_bank_has_a_valid_routing_number_and_makes_valid_ibans() -> None:
    assert rtn.is_valid(identity.ROUTING_NUMBER)
    number = identity.new_account_number()
    assert identity.is_well_formed(number)
    made = identity.iban_for(number)
    assert iban.is_valid(made)
    assert made.startswith("DE")
    assert identity.account_number_in(made) == number
    assert identity.account_number_in("DE89370400440532013000") is None  # another bank's


def test_a_mistyped_account_number_is_told_from_an_unknown_one() -> None:
    number = identity.new_account_number()
    mistyped = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not identity.is_well_formed(mistyped)
    assert not identity.is_well_formed(number[:-1])
