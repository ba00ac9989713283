"""Writing to one party's books.

``Ledger`` is a party's ledger: its engine, its clock and a cache of account definitions
(the parts of an account that never change). ``Book`` is that ledger seen from inside one
database transaction, so that a use case can move money and record its own changes (a
payment's status, an outbox event) atomically.

How a write stays correct under concurrency:

* Each transaction row is inserted first, with ``ON CONFLICT DO NOTHING``: the unique
  idempotency key makes a retry a replay, never a second write; a concurrent duplicate waits
  for the first to commit and then replays it.
* Then the accounts the write touches are locked (``SELECT ... FOR UPDATE``) in ascending id
  order, so two writers can never wait on each other in a cycle (no deadlocks). The
  requests are applied in order to the locked counters with the limit rule
  (``domain.check_limits``), and the new counters are written back, version bumped, before
  the locks are released at commit: checking and changing a balance is one atomic step.
* On SQLite the engine begins every writing transaction with ``BEGIN IMMEDIATE``: one writer
  at a time.

Any refusal raises before the caller commits, and the caller's transaction is rolled back
whole: nothing of a refused request, or of a batch with a refused request, is left behind.

The ordering holds within one ``post``/``post_batch`` call. A use case therefore makes one
call per database transaction, with every request it needs in the batch.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, RowMapping

from mercato.clock import Clock, SystemClock
from mercato.database import engine as database
from mercato.ids import uuid7
from mercato.ledger import bulk, queries
from mercato.ledger.domain import (
    AccountSpec,
    Balance,
    Counters,
    ExpireHold,
    Hold,
    NewTransaction,
    PostHold,
    RecordedPosting,
    Request,
    Reverse,
    Side,
    Statement,
    Transaction,
    TransactionType,
    VoidHold,
    check_limits,
    counters_for,
)
from mercato.ledger.errors import (
    AccountClosed,
    AccountConflict,
    AccountNotEmpty,
    AccountNotFound,
    AlreadyReversed,
    BatchRejected,
    HoldAlreadyResolved,
    HoldExceeded,
    HoldExpired,
    HoldNotExpired,
    HoldNotFound,
    IdempotencyConflict,
    InvalidTransaction,
    LedgerError,
    NonPositiveAmount,
    TransactionNotFound,
    WrongCurrency,
)
from mercato.ledger.rows import Account, account_from_row, chunks, counters_from_row
from mercato.ledger.tables import accounts, postings, transactions
from mercato.money import Money

_Seen = tuple[dict[str, Account], dict[uuid.UUID, Account]]
_SEEN = "mercato.ledger.seen"
"""Key in ``Connection.info``: the accounts each ledger saw in the open transaction."""


def _on_commit(connection: Connection) -> None:
    for ledger, (by_code, by_id) in connection.info.pop(_SEEN, {}).items():
        ledger.learn(by_code, by_id)


def _on_rollback(connection: Connection) -> None:
    connection.info.pop(_SEEN, None)


def _forget_uncommitted_accounts(engine: Engine) -> None:
    """Accounts seen inside a transaction join a ledger's cache only once it commits: an
    account opened in a transaction that rolls back must not be remembered. The listeners
    are installed once per engine, however many ledgers use it."""
    if not event.contains(engine, "commit", _on_commit):
        event.listen(engine, "commit", _on_commit)
        event.listen(engine, "rollback", _on_rollback)


class Ledger:
    """One party's ledger: where its books are, what time it is, and the accounts it knows."""

    def __init__(self, engine: Engine, clock: Clock | None = None, *, party: str = "platform"):
        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        self.party = party
        self._by_code: dict[str, Account] = {}
        self._by_id: dict[uuid.UUID, Account] = {}
        _forget_uncommitted_accounts(engine)

    @contextmanager
    def begin(self) -> Iterator[Book]:
        """A book for one writing database transaction, committed when the block ends."""
        with database.writing(self.engine) as connection:
            yield Book(self, connection)

    @contextmanager
    def reading(self) -> Iterator[Book]:
        """A book for reads only, on one consistent snapshot (never the write lock)."""
        with database.reading(self.engine) as connection:
            yield Book(self, connection)

    def book(self, connection: Connection) -> Book:
        """This ledger inside a caller's database transaction (its unit of work)."""
        return Book(self, connection)

    def _seen(self, connection: Connection) -> _Seen:
        seen: dict[Ledger, _Seen] = connection.info.setdefault(_SEEN, {})
        return seen.setdefault(self, ({}, {}))

    def seen(self, connection: Connection, account: Account) -> Account:
        """Note an account read or opened in ``connection``'s transaction."""
        by_code, by_id = self._seen(connection)
        by_code[account.spec.code] = account
        by_id[account.id] = account
        return account

    def learn(self, by_code: dict[str, Account], by_id: dict[uuid.UUID, Account]) -> None:
        """Cache accounts whose transaction has committed."""
        self._by_code.update(by_code)
        self._by_id.update(by_id)

    def known(self, connection: Connection, code: str) -> Account | None:
        return self._by_code.get(code) or self._seen(connection)[0].get(code)

    def known_id(self, connection: Connection, account_id: uuid.UUID) -> Account | None:
        return self._by_id.get(account_id) or self._seen(connection)[1].get(account_id)

    def expire_holds(self, *, limit: int = 1000) -> int:
        """Release every hold whose time has run out; returns how many were released.

        Each round is its own database transaction. A hold captured or voided while the round
        ran is left to that capture or void, and the round is tried again without it.
        """
        expired = 0
        while True:
            with self.reading() as book:
                due = book.due_holds(limit=limit)
            if not due:
                return expired
            full_round = len(due) == limit
            while due:
                requests = [ExpireHold(f"ledger:expire:{hold_id}", hold_id) for hold_id in due]
                try:
                    with self.begin() as book:
                        book.post_batch(requests)
                except BatchRejected as rejected:
                    if not isinstance(rejected.cause, HoldAlreadyResolved):
                        raise
                    del due[rejected.index]
                    continue
                expired += len(due)
                break
            if not full_round:
                return expired


@dataclass
class _Draft:
    """One request made ready to write: its transaction row, postings and balance changes."""

    index: int
    request: Request
    transaction: Transaction
    row: dict[str, Any]
    posting_rows: list[dict[str, Any]] = field(default_factory=list)
    changes: dict[uuid.UUID, Counters] = field(default_factory=dict)

    def change(self, account: Account, delta: Counters) -> None:
        self.changes.setdefault(account.id, Counters()).add(delta)


class Book:
    """A party's ledger inside one database transaction."""

    def __init__(self, ledger: Ledger, connection: Connection):
        self.ledger = ledger
        self.connection = connection

    # Accounts -----------------------------------------------------------------------------

    def open_account(self, spec: AccountSpec) -> AccountSpec:
        """Open an account; opening the same definition again returns it unchanged.

        An account this ledger already knows is answered from memory. Asking the database
        again is not free: an ``INSERT ... ON CONFLICT`` on a row that another transaction is
        updating waits for that transaction, so a busy account would serialise every payment
        that merely makes sure it exists.
        """
        known = self.ledger.known(self.connection, spec.code)
        if known is not None:
            if known.spec != spec:
                raise AccountConflict(f"account {spec.code} already exists with another definition")
            return known.spec
        account = Account(uuid7(), spec)
        row = {
            "id": account.id,
            "code": spec.code,
            "name": spec.name,
            "owner": spec.owner,
            "currency": spec.currency.code,
            "kind": spec.kind.value,
            "debits_must_not_exceed_credits": spec.debits_must_not_exceed_credits,
            "credits_must_not_exceed_debits": spec.credits_must_not_exceed_debits,
            "metadata": dict(spec.metadata),
            "created_at": self.ledger.clock.now(),
        }
        statement = self._insert(accounts).on_conflict_do_nothing(index_elements=["code"])
        if self.connection.execute(statement.returning(accounts.c.id), row).first() is not None:
            self.ledger.seen(self.connection, account)
            return spec
        existing = self.account(spec.code)
        if existing != spec:
            raise AccountConflict(f"account {spec.code} already exists with another definition")
        return existing

    def account(self, code: str) -> AccountSpec:
        return self._accounts_by_code([code])[code].spec

    def close_account(self, code: str) -> None:
        """Close an account that holds nothing; later postings to it are refused."""
        account = self._accounts_by_code([code])[code]
        c = accounts.c
        self.connection.execute(
            sa.update(accounts)
            .where(
                c.id == account.id,
                c.closed_at.is_(None),
                c.debits_posted == c.credits_posted,
                c.debits_pending == 0,
                c.credits_pending == 0,
            )
            .values(closed_at=self.ledger.clock.now(), version=c.version + 1)
        )
        row = (
            self.connection.execute(sa.select(accounts).where(c.id == account.id)).mappings().one()
        )
        if row["closed_at"] is None:
            balance = Balance(account.spec, counters_from_row(row), row["version"])
            raise AccountNotEmpty(
                f"{code} still holds {balance.posted} posted and {balance.pending} pending"
            )

    # Reads ---------------------------------------------------------------------------------

    def balance(self, code: str) -> Balance:
        return queries.balance(self, self._accounts_by_code([code])[code])

    def balance_at(self, code: str, at: Any, *, known_at: Any = None) -> Money:
        return queries.balance_at(self, self._accounts_by_code([code])[code], at, known_at)

    def statement(self, code: str, *, start: Any = None, end: Any = None) -> Statement:
        return queries.statement(self, self._accounts_by_code([code])[code], start, end)

    def accounts(self, *, owner: str | None = None) -> list[AccountSpec]:
        return queries.accounts_of(self, owner)

    def transaction(self, transaction_id: uuid.UUID) -> Transaction:
        found = self.load_transactions([transaction_id])
        if transaction_id not in found:
            raise TransactionNotFound(f"no transaction {transaction_id}")
        return found[transaction_id]

    def transaction_by_key(self, idempotency_key: str) -> Transaction:
        found = self._transactions_by_key([idempotency_key])
        if idempotency_key not in found:
            raise TransactionNotFound(f"no transaction with idempotency key {idempotency_key!r}")
        return found[idempotency_key]

    def hold(self, hold_id: uuid.UUID) -> Hold:
        return queries.hold(self, hold_id)

    def due_holds(self, *, limit: int) -> list[uuid.UUID]:
        return queries.due_holds(self, self.ledger.clock.now(), limit)

    # Writes --------------------------------------------------------------------------------

    def post(self, request: Request) -> Transaction:
        """Record one request and return its transaction (the first one, on a replay).

        One call per database transaction: a use case that moves money in several requests
        passes them all to one ``post_batch``. Accounts are locked in ascending order within
        a call; two calls in one transaction lock in two rounds, and can deadlock with
        another writer that touches the same accounts the other way round.
        """
        try:
            return self.post_batch([request])[0]
        except BatchRejected as rejected:
            raise rejected.cause from None

    def post_batch(self, requests: Sequence[Request]) -> list[Transaction]:
        """Record many requests in this one database transaction, all of them or none.

        Requests are judged in order, each seeing the balances the ones before it left.
        A request whose idempotency key is already in the books is replayed (its first
        transaction is returned) and changes nothing; a refused request raises
        ``BatchRejected`` naming its position.
        """
        if not requests:
            return []
        now = self.ledger.clock.now()
        results: dict[int, Transaction] = {}
        for index, request in enumerate(requests):
            if isinstance(request, NewTransaction):
                self._guard(index, request.validate)
        self._replay_resolutions(requests, results)
        drafts = self._draft_all(requests, results, now)
        self._insert_transactions(requests, drafts, results)
        self._apply_in_order(drafts)
        rows = [row for draft in drafts for row in draft.posting_rows]
        if rows:
            bulk.insert_postings(self.connection, rows)
        self._update_open_holds(drafts)
        for draft in drafts:
            results[draft.index] = draft.transaction
        return [results[index] for index in range(len(requests))]

    # The steps of a write ------------------------------------------------------------------

    def _refuse(self, index: int, error: LedgerError) -> NoReturn:
        raise BatchRejected(index, error) from error

    def _guard(self, index: int, check: Any) -> None:
        try:
            check()
        except LedgerError as error:
            self._refuse(index, error)

    def _replay_resolutions(
        self, requests: Sequence[Request], results: dict[int, Transaction]
    ) -> None:
        """Find retries of hold resolutions and reversals before judging their targets,
        which their first attempt has changed."""
        keys = {
            request.idempotency_key: index
            for index, request in enumerate(requests)
            if not isinstance(request, NewTransaction)
        }
        if not keys:
            return
        for key, existing in self._transactions_by_key(list(keys)).items():
            self._replay(keys[key], requests[keys[key]], existing, results)

    def _replay(
        self, index: int, request: Request, existing: Transaction, results: dict[int, Transaction]
    ) -> None:
        stored = self.connection.execute(
            sa.select(transactions.c.content_hash).where(transactions.c.id == existing.id)
        ).scalar_one()
        if stored != request.content_hash():
            self._refuse(
                index,
                IdempotencyConflict(
                    f"idempotency key {request.idempotency_key!r} was used for another transaction"
                ),
            )
        results[index] = existing

    def _draft_all(
        self, requests: Sequence[Request], results: dict[int, Transaction], now: Any
    ) -> list[_Draft]:
        codes = {
            posting.account
            for request in requests
            if isinstance(request, NewTransaction)
            for posting in request.postings
        }
        by_code = self._accounts_by_code(sorted(codes), strict=False)
        target_ids = [
            request.hold_id if not isinstance(request, Reverse) else request.transaction_id
            for index, request in enumerate(requests)
            if index not in results and not isinstance(request, NewTransaction)
        ]
        targets = self.load_transactions(target_ids)
        resolved = queries.resolutions(self, target_ids)
        claimed: set[uuid.UUID] = set()
        first_by_key: dict[str, int] = {}
        drafts: list[_Draft] = []
        for index, request in enumerate(requests):
            if index in results:
                continue
            key = request.idempotency_key
            if key in first_by_key:
                # The same key twice in one batch: the second is a replay of the first.
                if requests[first_by_key[key]].content_hash() != request.content_hash():
                    self._refuse(index, IdempotencyConflict(f"idempotency key {key!r} used twice"))
                continue
            first_by_key[key] = index
            if isinstance(request, NewTransaction):
                drafts.append(self._draft_new(index, request, by_code, now))
            else:
                target_id = (
                    request.transaction_id if isinstance(request, Reverse) else request.hold_id
                )
                if target_id in claimed or target_id in resolved:
                    error: LedgerError = (
                        AlreadyReversed(f"transaction {target_id} was reversed already")
                        if isinstance(request, Reverse)
                        else HoldAlreadyResolved(f"hold {target_id} was resolved already")
                    )
                    self._refuse(index, error)
                claimed.add(target_id)
                drafts.append(self._draft_resolution(index, request, targets, now))
        return drafts

    def _new_draft(
        self,
        index: int,
        request: Request,
        kind: TransactionType,
        now: Any,
        *,
        occurred_at: Any = None,
        description: str = "",
        metadata: Any = None,
        pending_id: uuid.UUID | None = None,
        reverses_id: uuid.UUID | None = None,
        expires_at: Any = None,
    ) -> _Draft:
        transaction = Transaction(
            id=uuid7(),
            idempotency_key=request.idempotency_key,
            type=kind,
            postings=(),
            description=description,
            metadata=dict(metadata or {}),
            occurred_at=occurred_at or now,
            recorded_at=now,
            pending_id=pending_id,
            reverses_id=reverses_id,
            expires_at=expires_at,
        )
        row = {
            "id": transaction.id,
            "idempotency_key": transaction.idempotency_key,
            "content_hash": request.content_hash(),
            "type": kind.value,
            "description": description,
            "metadata": transaction.metadata,
            "occurred_at": transaction.occurred_at,
            "recorded_at": now,
            "expires_at": expires_at,
            "pending_id": pending_id,
            "reverses_id": reverses_id,
        }
        return _Draft(index, request, transaction, row)

    def _add_postings(
        self, draft: _Draft, lines: Iterable[tuple[Account, int]], *, pending: bool
    ) -> None:
        recorded = list(draft.transaction.postings)
        for account, signed in lines:
            draft.posting_rows.append(
                {
                    "transaction_id": draft.transaction.id,
                    "position": len(draft.posting_rows),
                    "account_id": account.id,
                    "currency": account.spec.currency.code,
                    "amount": signed,
                    "pending": pending,
                    "occurred_at": draft.transaction.occurred_at,
                }
            )
            side = Side.DEBIT if signed > 0 else Side.CREDIT
            amount = Money.of_minor(abs(signed), account.spec.currency)
            recorded.append(RecordedPosting(account.spec.code, side, amount, pending))
            draft.change(account, counters_for(signed, pending=pending))
        draft.transaction = replace(draft.transaction, postings=tuple(recorded))

    def _draft_new(
        self, index: int, request: NewTransaction, by_code: dict[str, Account], now: Any
    ) -> _Draft:
        kind = TransactionType.PENDING if request.pending else TransactionType.POSTED
        draft = self._new_draft(
            index,
            request,
            kind,
            now,
            occurred_at=request.occurred_at,
            description=request.description,
            metadata=request.metadata,
            expires_at=request.expires_at,
        )
        lines = []
        for posting in request.postings:
            account = by_code.get(posting.account)
            if account is None:
                self._refuse(index, AccountNotFound(f"no account {posting.account}"))
            if posting.amount.currency != account.spec.currency:
                self._refuse(
                    index,
                    WrongCurrency(
                        f"{posting.account} keeps {account.spec.currency.code}, "
                        f"not {posting.amount.currency.code}"
                    ),
                )
            lines.append((account, posting.signed_minor))
        self._add_postings(draft, lines, pending=request.pending)
        return draft

    def _draft_resolution(
        self,
        index: int,
        request: PostHold | VoidHold | ExpireHold | Reverse,
        targets: dict[uuid.UUID, Transaction],
        now: Any,
    ) -> _Draft:
        if isinstance(request, Reverse):
            original = targets.get(request.transaction_id)
            if original is None:
                self._refuse(index, TransactionNotFound(f"no transaction {request.transaction_id}"))
            if original.type not in (TransactionType.POSTED, TransactionType.POST_PENDING):
                self._refuse(
                    index,
                    InvalidTransaction(
                        f"a {original.type} transaction cannot be reversed"
                        " (a hold is voided instead)"
                    ),
                )
            draft = self._new_draft(
                index,
                request,
                TransactionType.REVERSAL,
                now,
                description=request.description or f"reversal of {original.id}",
                reverses_id=original.id,
            )
            self._add_postings(draft, self._mirror(original, sign=-1), pending=False)
            return draft

        held = targets.get(request.hold_id)
        if held is None or held.type is not TransactionType.PENDING:
            self._refuse(index, HoldNotFound(f"no hold {request.hold_id}"))
        expired = held.expires_at is not None and held.expires_at <= now
        if isinstance(request, PostHold) and expired:
            self._refuse(index, HoldExpired(f"hold {held.id} expired at {held.expires_at}"))
        if isinstance(request, ExpireHold) and not expired:
            self._refuse(index, HoldNotExpired(f"hold {held.id} has not expired"))
        kind, description, metadata = {
            PostHold: (TransactionType.POST_PENDING, "", {}),
            VoidHold: (TransactionType.VOID_PENDING, "", {}),
            ExpireHold: (TransactionType.EXPIRE_PENDING, "hold expired", {}),
        }[type(request)]
        if isinstance(request, PostHold | VoidHold):
            description = request.description
        if isinstance(request, PostHold):
            metadata = dict(request.metadata)
        draft = self._new_draft(
            index,
            request,
            kind,
            now,
            description=description,
            metadata=metadata,
            pending_id=held.id,
        )
        for account, signed in self._mirror(held, sign=1):
            draft.change(account, counters_for(signed, pending=True).negated())
        if isinstance(request, PostHold):
            self._add_postings(draft, self._posted_part(index, request, held), pending=False)
        return draft

    def _mirror(self, original: Transaction, *, sign: int) -> list[tuple[Account, int]]:
        by_code = self._accounts_by_code(sorted({p.account for p in original.postings}))
        return [
            (
                by_code[p.account],
                sign * (p.amount.minor if p.side is Side.DEBIT else -p.amount.minor),
            )
            for p in original.postings
        ]

    def _posted_part(
        self, index: int, request: PostHold, held: Transaction
    ) -> list[tuple[Account, int]]:
        whole = self._mirror(held, sign=1)
        if request.amount is None:
            return whole
        amount = request.amount
        currency = held.postings[0].amount.currency
        if amount.currency != currency:
            self._refuse(index, WrongCurrency(f"hold {held.id} is in {currency.code}"))
        if amount.minor <= 0:
            self._refuse(
                index, NonPositiveAmount(f"amount to post must be above zero, not {amount}")
            )
        if len(whole) != 2:
            self._refuse(index, InvalidTransaction("only a two-posting hold can be posted in part"))
        held_amount = held.postings[0].amount
        if amount.minor > held_amount.minor:
            self._refuse(
                index, HoldExceeded(f"cannot post {amount}: hold {held.id} is for {held_amount}")
            )
        return [
            (account, amount.minor if signed > 0 else -amount.minor) for account, signed in whole
        ]

    def _insert_transactions(
        self, requests: Sequence[Request], drafts: list[_Draft], results: dict[int, Transaction]
    ) -> None:
        if not drafts:
            return
        # Inserted in key order: concurrent batches take the key locks in one order.
        rows = sorted((draft.row for draft in drafts), key=lambda row: row["idempotency_key"])
        inserted = bulk.insert_transactions(self.connection, rows)
        if len(inserted) == len(drafts):
            return
        # Someone else wrote one of these keys (or resolved one of these holds) meanwhile.
        lost = [draft for draft in drafts if draft.transaction.id not in inserted]
        existing = self._transactions_by_key([draft.request.idempotency_key for draft in lost])
        for draft in lost:
            found = existing.get(draft.request.idempotency_key)
            if found is None:
                target = draft.transaction.pending_id or draft.transaction.reverses_id
                error: LedgerError = (
                    AlreadyReversed(f"transaction {target} was reversed meanwhile")
                    if draft.transaction.reverses_id
                    else HoldAlreadyResolved(f"hold {target} was resolved meanwhile")
                )
                self._refuse(draft.index, error)
            self._replay(draft.index, requests[draft.index], found, results)
            drafts.remove(draft)

    def _apply_in_order(self, drafts: list[_Draft]) -> None:
        account_ids = sorted({account_id for draft in drafts for account_id in draft.changes})
        if not account_ids:
            return
        current: dict[uuid.UUID, Counters] = {}
        closed: set[uuid.UUID] = set()
        for row in bulk.lock_accounts(self.connection, account_ids):
            current[row["id"]] = counters_from_row(row)
            if row["closed_at"] is not None:
                closed.add(row["id"])
        for draft in drafts:
            for account_id in draft.changes:
                if account_id not in current:
                    code = self._account_by_id(account_id).spec.code
                    self._refuse(draft.index, AccountNotFound(f"no account {code}"))
        touched: dict[uuid.UUID, int] = defaultdict(int)
        for draft in drafts:
            for account_id, change in draft.changes.items():
                spec = self._account_by_id(account_id).spec
                if account_id in closed:
                    self._refuse(draft.index, AccountClosed(f"account {spec.code} is closed"))
                self._guard(
                    draft.index,
                    lambda s=spec, a=account_id, ch=change: check_limits(s, current[a], ch),
                )
                current[account_id].add(change)
                touched[account_id] += 1
        bulk.update_counters(
            self.connection,
            [
                {
                    "account_id": account_id,
                    "dp": current[account_id].debits_pending,
                    "cp": current[account_id].credits_pending,
                    "dq": current[account_id].debits_posted,
                    "cq": current[account_id].credits_posted,
                    "n": touched[account_id],
                }
                for account_id in account_ids
            ],
        )

    def _update_open_holds(self, drafts: list[_Draft]) -> None:
        opened = [
            {"hold_id": d.transaction.id, "expires_at": d.transaction.expires_at}
            for d in drafts
            if d.transaction.type is TransactionType.PENDING
        ]
        closed = [d.transaction.pending_id for d in drafts if d.transaction.pending_id]
        if opened:
            bulk.open_holds_added(self.connection, opened)
        if closed:
            bulk.open_holds_removed(self.connection, closed)

    # Loading -------------------------------------------------------------------------------

    def _insert(self, table: sa.Table) -> Any:
        dialect = postgresql if self.connection.dialect.name == "postgresql" else sqlite
        return dialect.insert(table)

    def _accounts_by_code(self, codes: Sequence[str], *, strict: bool = True) -> dict[str, Account]:
        found = {
            code: a for code in codes if (a := self.ledger.known(self.connection, code)) is not None
        }
        missing = [code for code in codes if code not in found]
        for chunk in chunks(missing):
            for row in self.connection.execute(
                sa.select(accounts).where(accounts.c.code.in_(chunk))
            ).mappings():
                account = self.ledger.seen(self.connection, account_from_row(row))
                found[account.spec.code] = account
        if strict:
            for code in codes:
                if code not in found:
                    raise AccountNotFound(f"no account {code}")
        return found

    def _account_by_id(self, account_id: uuid.UUID) -> Account:
        account = self.ledger.known_id(self.connection, account_id)
        if account is None:
            row = (
                self.connection.execute(sa.select(accounts).where(accounts.c.id == account_id))
                .mappings()
                .one()
            )
            account = self.ledger.seen(self.connection, account_from_row(row))
        return account

    def _transactions_by_key(self, keys: Sequence[str]) -> dict[str, Transaction]:
        ids: list[uuid.UUID] = []
        for chunk in chunks(keys):
            ids.extend(
                self.connection.execute(
                    sa.select(transactions.c.id).where(transactions.c.idempotency_key.in_(chunk))
                ).scalars()
            )
        return {t.idempotency_key: t for t in self.load_transactions(ids).values()}

    def load_transactions(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Transaction]:
        """Transactions with their postings, by id (missing ids are left out)."""
        found: dict[uuid.UUID, Transaction] = {}
        lines: dict[uuid.UUID, list[RecordedPosting]] = defaultdict(list)
        for chunk in chunks(list(ids)):
            for row in self.connection.execute(
                sa.select(postings)
                .where(postings.c.transaction_id.in_(chunk))
                .order_by(postings.c.transaction_id, postings.c.position)
            ).mappings():
                account = self._account_by_id(row["account_id"])
                signed = row["amount"]
                lines[row["transaction_id"]].append(
                    RecordedPosting(
                        account.spec.code,
                        Side.DEBIT if signed > 0 else Side.CREDIT,
                        Money.of_minor(abs(signed), account.spec.currency),
                        row["pending"],
                    )
                )
            for row in self.connection.execute(
                sa.select(transactions).where(transactions.c.id.in_(chunk))
            ).mappings():
                found[row["id"]] = transaction_from_row(row, tuple(lines[row["id"]]))
        return found


def transaction_from_row(row: RowMapping, lines: tuple[RecordedPosting, ...]) -> Transaction:
    return Transaction(
        id=row["id"],
        idempotency_key=row["idempotency_key"],
        type=TransactionType(row["type"]),
        postings=lines,
        description=row["description"],
        metadata=row["metadata"],
        occurred_at=row["occurred_at"],
        recorded_at=row["recorded_at"],
        pending_id=row["pending_id"],
        reverses_id=row["reverses_id"],
        expires_at=row["expires_at"],
    )


__all__ = ["Account", "Book", "Ledger"]
