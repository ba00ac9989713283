"""The payment processor (the acquirer): routes each card to its issuing bank and speaks
ISO 8583 to it; books each step in the platform's ledger."""
