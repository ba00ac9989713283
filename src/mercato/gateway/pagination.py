"""Lists in Stripe's shape: newest first, ``limit``, ``starting_after``, ``ending_before``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import Field

from mercato.gateway.errors import InvalidRequest
from mercato.gateway.params import Params


class ListParams(Params):
    limit: int = Field(default=10, ge=1, le=100)
    starting_after: str | None = None
    ending_before: str | None = None
    expand: list[str] = Field(default_factory=list)


def page(
    query: sa.Select[Any],
    id_column: sa.ColumnElement[str],
    params: ListParams,
    run: Callable[[sa.Select[Any]], Sequence[Any]],
) -> tuple[list[Any], bool]:
    """One page of ``query``'s rows, newest first, and whether there are more.

    Ids sort as they were made (``gateway.ids``), so the cursor is the id itself.
    """
    if params.starting_after and params.ending_before:
        raise InvalidRequest(
            "You may only specify one of these parameters: starting_after, ending_before.",
            param="ending_before",
        )
    if params.ending_before:
        rows = list(
            run(
                query.where(id_column > params.ending_before)
                .order_by(id_column.asc())
                .limit(params.limit + 1)
            )
        )
        has_more = len(rows) > params.limit
        return list(reversed(rows[: params.limit])), has_more
    if params.starting_after:
        query = query.where(id_column < params.starting_after)
    rows = list(run(query.order_by(id_column.desc()).limit(params.limit + 1)))
    return rows[: params.limit], len(rows) > params.limit


def list_object(url: str, data: list[dict[str, Any]], has_more: bool) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": has_more, "url": url}
