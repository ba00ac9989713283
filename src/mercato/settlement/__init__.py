"""Settlement on the platform's side: merchants' balances and payouts.

- ``transactions``: balance transactions, written with each capture, refund and payout;
- ``availability``: pending funds becoming available (the duty ``balance.make_available``);
- ``schedule``: each merchant's payout schedule and ``delay_days``;
- ``bank_accounts``: merchants' bank accounts (external accounts), the number sealed;
- ``payouts``: a payout's life, pending to paid, failed or canceled, and its books;
- ``automatic``: payouts made by the schedule (the duty ``payouts.automatic``);
- ``files``: payout files for the commercial bank (NACHA for USD, pain.001 for EUR);
- ``bank_link``: the bank's host-to-host service; ``returns``: what the bank sends back;
- ``books``: the ledger accounts and movements of all of it; ``errors``: its refusals.

See docs/adr/0014-balances-and-payouts.md.
"""
