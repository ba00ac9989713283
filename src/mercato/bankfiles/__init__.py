"""Bank file formats for settlement and payouts: a pure domain package (no database, no web).

- `accounts`: the merchant's business bank account, US (routing and account number) or
  SEPA (IBAN and BIC), checked with python-stdnum and never printed whole.
- `nacha`: NACHA ACH files, the USD payout file and its returns.
- `pain001`: ISO 20022 pain.001.001.03, the EUR payout file (SEPA credit transfers).
- `pain002`: ISO 20022 pain.002.001.03, the bank's status report rejecting transfers.
- `camt053`: ISO 20022 camt.053.001.02, the bank's end-of-day account statement.
- `errors`: what can go wrong, as one hierarchy with stable codes.

Money is always an int of minor units (cents). Times are passed in, never read from the
wall clock. Every writer's output is read back by the matching reader, and every XML file
is checked against its published XSD (in `schemas/`). See docs/bank-files.md.
"""
