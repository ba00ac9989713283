"""NACHA ACH files: the payout file for USD, and the returns that may come back.

The platform writes a payout file with `write_payout_file`; the simulated bank reads it
with `read_ach_file` (which checks it record by record) and sends back what it cannot apply
with `write_returns_file`; the platform lists those with `returns_in`.

See docs/bank-files.md for the record layouts and the rules each file is held to.
"""

from mercato.bankfiles.nacha.file import AchFile, Batch, Entry
from mercato.bankfiles.nacha.layout import SecCode
from mercato.bankfiles.nacha.reader import read_ach_file
from mercato.bankfiles.nacha.records import (
    BatchControl,
    BatchHeader,
    EntryDetail,
    FileControl,
    FileHeader,
    RemittanceAddenda,
    ReturnAddenda,
    Totals,
)
from mercato.bankfiles.nacha.returns import (
    AchReturn,
    ReturnReason,
    ReturnRequest,
    describe_return_reason,
    returns_in,
    write_returns_file,
)
from mercato.bankfiles.nacha.writer import (
    MAX_ENTRY_AMOUNT,
    AchPayout,
    Originator,
    WrittenAchFile,
    write_payout_file,
)

__all__ = [
    "MAX_ENTRY_AMOUNT",
    "AchFile",
    "AchPayout",
    "AchReturn",
    "Batch",
    "BatchControl",
    "BatchHeader",
    "Entry",
    "EntryDetail",
    "FileControl",
    "FileHeader",
    "Originator",
    "RemittanceAddenda",
    "ReturnAddenda",
    "ReturnReason",
    "ReturnRequest",
    "SecCode",
    "Totals",
    "WrittenAchFile",
    "describe_return_reason",
    "read_ach_file",
    "returns_in",
    "write_payout_file",
    "write_returns_file",
]
