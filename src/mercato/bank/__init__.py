"""The commercial bank: a simulated bank of its own (issue 5), where the platform, the
issuing bank and the merchants' businesses keep deposit accounts.

It has its own database and ledger (party ``bank``), takes payout files host to host
(NACHA and pain.001), applies them on its next processing day, returns what it cannot
apply (NACHA returns, pain.002), settles between the card scheme's settlement accounts,
writes camt.053 end-of-day statements, and shows each business its money arriving on an
internet-banking page. Start at ``bank.CommercialBank``; docs/adr/0013.
"""

from mercato.bank.bank import CommercialBank
from mercato.bank.records import Account, AccountStatus, Customer, CustomerKind, FileKind

__all__ = ["Account", "AccountStatus", "CommercialBank", "Customer", "CustomerKind", "FileKind"]
