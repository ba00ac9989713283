"""The mailbox's messages in the platform's database (table ``mail_mailbox``), and what the
dashboard shows of them: sender, subject, the text, and the attachments to download.

One message per Message-ID: the same receipt sent twice is kept once.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from mercato.clock import Clock
from mercato.database.engine import reading, writing
from mercato.ids import uuid7
from mercato.mail.message import ACCOUNT_HEADER
from mercato.mail.tables import mailbox


@dataclass(frozen=True)
class Attachment:
    index: int
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Letter:
    id: uuid.UUID
    received_at: dt.datetime
    sender: str
    recipients: str
    subject: str
    text: str
    attachments: tuple[Attachment, ...]


def parse(raw: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _letter(row: Any) -> Letter:
    message = parse(row.raw)
    body = message.get_body(preferencelist=("plain",))
    attachments = tuple(
        Attachment(
            index,
            part.get_filename() or f"attachment-{index}",
            part.get_content_type(),
            _content(part),
        )
        for index, part in enumerate(message.iter_attachments())
    )
    return Letter(
        id=row.id,
        received_at=row.received_at,
        sender=row.sender,
        recipients=row.recipients,
        subject=row.subject,
        text=body.get_content() if body is not None else "",
        attachments=attachments,
    )


def _content(part: EmailMessage) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


class MailboxStore:
    """The mailbox's messages, kept in ``engine``'s database."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine, self.clock = engine, clock

    def keep(self, raw: bytes, *, sender: str, recipients: list[str]) -> None:
        message = parse(raw)
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        with writing(self.engine) as connection:
            connection.execute(
                dialect.insert(mailbox)
                .values(
                    id=uuid7(),
                    merchant_id=(message.get(ACCOUNT_HEADER) or "")[:40] or None,
                    message_id=str(message.get("Message-ID") or make_msgid())[:250],
                    sender=sender[:800],
                    recipients=", ".join(recipients)[:4000],
                    subject=str(message.get("Subject") or "(no subject)")[:500],
                    raw=raw,
                    received_at=self.clock.now(),
                )
                .on_conflict_do_nothing(index_elements=["message_id"])
            )

    def letters(self, merchant_id: str, *, limit: int = 50) -> list[Letter]:
        """The merchant's messages, newest first."""
        m = mailbox.c
        with reading(self.engine) as connection:
            rows = connection.execute(
                sa.select(m.id, m.received_at, m.sender, m.recipients, m.subject, m.raw)
                .where(m.merchant_id == merchant_id)
                .order_by(m.received_at.desc(), m.id.desc())
                .limit(limit)
            ).all()
        return [_letter(row) for row in rows]

    def letter(self, merchant_id: str, letter_id: uuid.UUID) -> Letter | None:
        m = mailbox.c
        with reading(self.engine) as connection:
            row = connection.execute(
                sa.select(m.id, m.received_at, m.sender, m.recipients, m.subject, m.raw).where(
                    m.merchant_id == merchant_id, m.id == letter_id
                )
            ).first()
        return None if row is None else _letter(row)

    def count(self) -> int:
        with reading(self.engine) as connection:
            return int(
                connection.execute(sa.select(sa.func.count()).select_from(mailbox)).scalar_one()
            )
