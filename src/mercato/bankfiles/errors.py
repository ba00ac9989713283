"""What can go wrong with bank accounts and bank files, designed once for the whole package.

    ValueError
    └── BankFileError                   bank_file_error
        ├── InvalidAccount              invalid_account         a merchant's bank account
        │   ├── InvalidRoutingNumber    invalid_routing_number
        │   ├── InvalidAccountNumber    invalid_account_number
        │   ├── InvalidIban             invalid_iban
        │   └── InvalidBic              invalid_bic
        ├── UnwritableFile              unwritable_file         a writer refused its input
        │   ├── AmountOutOfRange        amount_out_of_range     not positive, or too wide
        │   ├── UnsupportedText         unsupported_text        outside the format's character set
        │   ├── InvalidReference        invalid_reference       an id the format cannot carry whole
        │   ├── DuplicateReference      duplicate_reference     two instructions with one id
        │   ├── EmptyFile               empty_file              nothing to put in the file
        │   └── InconsistentStatement   inconsistent_statement  balances that do not add up
        └── MalformedFile               malformed_file          a reader refused a file
            ├── BadRecord               bad_record              a record's length, type or field
            ├── RecordOutOfOrder        record_out_of_order
            ├── ControlMismatch         control_mismatch        counts, hashes or totals disagree
            ├── BadBlocking             bad_blocking            NACHA: not padded to ten records
            └── SchemaViolation         schema_violation        XML: not valid against its XSD

Each class carries a short, stable ``code``, so the API's edge can turn any of them into an
error response without knowing the class. They derive from `ValueError`: each one means
"this value is not acceptable".

No message ever carries a whole account number: accounts are named by their last four
digits. A reader's error names where the defect is: the line of a NACHA file (1-based) or
the element of an XML file.
"""

from __future__ import annotations


class BankFileError(ValueError):
    """Base class of every error the bankfiles package raises on purpose."""

    code = "bank_file_error"


class InvalidAccount(BankFileError):
    """A bank account's details fail their format or check-digit rules."""

    code = "invalid_account"


class InvalidRoutingNumber(InvalidAccount):
    """Not a 9-digit ABA routing number with a correct check digit."""

    code = "invalid_routing_number"


class InvalidAccountNumber(InvalidAccount):
    """Not a US account number of 4 to 17 digits."""

    code = "invalid_account_number"


class InvalidIban(InvalidAccount):
    """Not an IBAN: wrong country format, length or check digits."""

    code = "invalid_iban"


class InvalidBic(InvalidAccount):
    """Not a BIC (ISO 9362) of 8 or 11 characters."""

    code = "invalid_bic"


class UnwritableFile(BankFileError):
    """A writer was asked for a file it cannot write faithfully; nothing was written."""

    code = "unwritable_file"


class AmountOutOfRange(UnwritableFile):
    """An amount is not positive, or has more digits than its field holds (never truncated)."""

    code = "amount_out_of_range"


class UnsupportedText(UnwritableFile):
    """Text has characters the format's character set cannot carry, even transliterated."""

    code = "unsupported_text"


class InvalidReference(UnwritableFile):
    """An identifier is empty, too long for its field, or uses characters the field refuses."""

    code = "invalid_reference"


class DuplicateReference(UnwritableFile):
    """Two instructions in one file share an identifier, so answers could not tell them apart."""

    code = "duplicate_reference"


class EmptyFile(UnwritableFile):
    """A payout file needs at least one payment."""

    code = "empty_file"


class InconsistentStatement(UnwritableFile):
    """A statement's closing balance is not its opening balance plus its entries."""

    code = "inconsistent_statement"


class MalformedFile(BankFileError):
    """A file is not valid in its format; `where` says which line or element is wrong."""

    code = "malformed_file"

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


class BadRecord(MalformedFile):
    """A record has the wrong length or type, or a field that breaks its format."""

    code = "bad_record"


class RecordOutOfOrder(MalformedFile):
    """A record appears where the format does not allow it."""

    code = "record_out_of_order"


class ControlMismatch(MalformedFile):
    """A control record's counts, hash or totals disagree with the records they control."""

    code = "control_mismatch"


class BadBlocking(MalformedFile):
    """A NACHA file is not a whole number of blocks of ten records padded with 9s."""

    code = "bad_blocking"


class SchemaViolation(MalformedFile):
    """An XML file is not well-formed, or not valid against its published XSD."""

    code = "schema_violation"
