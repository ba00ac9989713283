"""The outbox's one table: jobs written in the same transaction as the change that causes
them, and run later by any number of workers (``outbox.worker``).

A job is ``pending`` until a handler finishes it (``done``) or gives it up (``failed``).
``attempts`` counts the claims, so a worker that died mid-job still used an attempt, and it
doubles as the fencing token: a worker finishes a job only if the job is still its own,
``locked_by`` it with the same ``attempts`` as when it claimed it.
"""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import JSONDocument, UTCDateTime

metadata = sa.MetaData()

jobs = sa.Table(
    "outbox_jobs",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),  # UUIDv7: sorts, and dates, as jobs were written
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("payload", JSONDocument, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # pending, done, failed
    sa.Column("due_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.String(1000), nullable=True),
    sa.Column("locked_until", UTCDateTime, nullable=True),
    sa.Column("locked_by", sa.String(100), nullable=True),
    sa.Column("done_at", UTCDateTime, nullable=True),
)
# Workers look only at pending jobs, so the index holds only those: it stays small however
# long the history of finished jobs grows.
sa.Index(
    "outbox_jobs_due",
    jobs.c.due_at,
    postgresql_where=jobs.c.status == "pending",
    sqlite_where=jobs.c.status == "pending",
)
sa.Index("outbox_jobs_finished", jobs.c.done_at)
