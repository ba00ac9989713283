"""Payment Links: a public address that sells a fixed set of items (Stripe's
``payment_link``). Each visit of its ``url`` opens a Checkout Session for those items and
sends the visitor to the hosted payment page, so a shop owner needs no server of their own:
the link, or the "Buy now" button made of it (``button``), goes on any web page.

A link sells prices of the merchant's catalog, which must be active when the link is made
and still be when a visitor comes; an inactive link (``active=false``) opens nothing and
shows its ``inactive_message``. After payment the customer is sent to
``after_completion[redirect][url]``, or shown the gateway's own confirmation.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import sqlalchemy as sa
from markupsafe import escape
from pydantic import Field
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway import catalog_records, checkout_sessions
from mercato.gateway import checkout_records as records
from mercato.gateway import metadata as metadata_rules
from mercato.gateway.checkout_sessions import PaymentIntentData, SubmitType
from mercato.gateway.checkout_tables import payment_link_line_items, payment_links
from mercato.gateway.errors import InvalidRequest
from mercato.gateway.ids import new_id
from mercato.gateway.merchants import Caller
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import Params, parse

EXPANDABLE = frozenset({"line_items"})
MAX_LINE_ITEMS = 20

BUTTON_STYLE = (
    "display:inline-block;padding:12px 28px;border-radius:8px;background:#4338ca;"
    "color:#ffffff;font:600 16px/1.25 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "text-decoration:none;box-shadow:0 1px 2px rgba(0,0,0,.2)"
)
"""The button's look, inline: the snippet must look right on any page, with nothing to
load. A page whose Content-Security-Policy forbids inline styles shows a plain link,
which still works."""


# Parameters -------------------------------------------------------------------------------------


class LinkLineItem(Params):
    price: str
    quantity: int | None = None


class Redirect(Params):
    url: str | None = None


class HostedConfirmation(Params):
    custom_message: str | None = Field(default=None, max_length=500)


class AfterCompletion(Params):
    type: Literal["redirect", "hosted_confirmation"]
    redirect: Redirect | None = None
    hosted_confirmation: HostedConfirmation | None = None


class _Changeable(Params):
    after_completion: AfterCompletion | None = None
    metadata: dict[str, Any] | str | None = None
    inactive_message: str | None = Field(default=None, max_length=500)
    submit_type: SubmitType | None = None
    expand: list[str] = Field(default_factory=list)


class CreateParams(_Changeable):
    line_items: list[LinkLineItem] = Field(max_length=MAX_LINE_ITEMS)
    active: bool = True
    payment_intent_data: PaymentIntentData | None = None
    payment_method_types: list[Literal["card"]] | None = None


class UpdateParams(_Changeable):
    active: bool | None = None


class RetrieveParams(Params):
    expand: list[str] = Field(default_factory=list)


class LinkListParams(ListParams):
    active: bool | None = None


class ButtonParams(Params):
    label: str = Field(default="Buy now", min_length=1, max_length=40)


def _after_completion(given: AfterCompletion | None) -> dict[str, Any]:
    if given is None or given.type == "hosted_confirmation":
        confirmation = given.hosted_confirmation if given else None
        message = confirmation.custom_message if confirmation else None
        return {
            "type": "hosted_confirmation",
            "hosted_confirmation": {"custom_message": message or None},
        }
    param = "after_completion[redirect][url]"
    url = catalog_records.web_url(given.redirect.url if given.redirect else None, param=param)
    if url is None:
        raise InvalidRequest(
            f"Missing required param: {param}.", code="parameter_missing", param=param
        )
    return {"type": "redirect", "redirect": {"url": url}}


# Objects ----------------------------------------------------------------------------------------


def to_object(
    connection: Connection, link: Any, expand: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The link as the API shows it (Stripe's ``payment_link``)."""
    intent_data = link.payment_intent_data
    shown = {
        "id": link.id,
        "object": "payment_link",
        "active": link.active,
        "after_completion": link.after_completion,
        "allow_promotion_codes": False,
        "application": None,
        "application_fee_amount": None,
        "application_fee_percent": None,
        "automatic_tax": {"enabled": False, "liability": None},
        "billing_address_collection": "auto",
        "consent_collection": None,
        "currency": link.currency,
        "custom_fields": [],
        "custom_text": {
            "after_submit": None,
            "shipping_address": None,
            "submit": None,
            "terms_of_service_acceptance": None,
        },
        "customer_creation": "if_required",
        "inactive_message": link.inactive_message,
        "invoice_creation": None,
        "livemode": False,
        "managed_payments": {"enabled": False},
        "metadata": link.metadata,
        "on_behalf_of": None,
        "payment_intent_data": None
        if intent_data is None
        else {
            **intent_data,
            "setup_future_usage": None,
            "statement_descriptor": None,
            "statement_descriptor_suffix": None,
            "transfer_group": None,
        },
        "payment_method_collection": "always",
        "payment_method_options": None,
        "payment_method_types": None,
        "phone_number_collection": {"enabled": False},
        "restrictions": None,
        "shipping_address_collection": None,
        "shipping_options": [],
        "submit_type": link.submit_type,
        "subscription_data": None,
        "tax_id_collection": {"enabled": False, "required": "never"},
        "transfer_data": None,
        "url": link.url,
    }
    if "line_items" in expand:
        items = records.link_items(connection, link.id)
        shown["line_items"] = list_object(f"/v1/payment_links/{link.id}/line_items", items, False)
    return shown


def button_html(url: str, label: str = "Buy now") -> str:
    """The "Buy now" button a shop owner pastes into any page: a plain link, styled inline,
    that takes the buyer to the payment link's page."""
    return (
        f'<a href="{escape(url)}" class="mercato-buy-button" style="{BUTTON_STYLE}">'
        f"{escape(label)}</a>"
    )


# Use cases ----------------------------------------------------------------------------------------


def create(
    connection: Connection,
    caller: Caller,
    params: dict[str, Any],
    clock: Clock,
    *,
    hosted_base: str,
) -> dict[str, Any]:
    given = parse(CreateParams, params)
    expand = catalog_records.expansions(given.expand, EXPANDABLE, listing=False)
    if not given.line_items:
        raise InvalidRequest(
            "Missing required param: line_items.", code="parameter_missing", param="line_items"
        )
    items = [
        replace(
            records.active_price(connection, caller, line.price, param=f"line_items[{n}][price]"),
            quantity=records.quantity(line.quantity, param=f"line_items[{n}][quantity]"),
        )
        for n, line in enumerate(given.line_items)
    ]
    currency, _ = records.total(items)
    link_id = new_id("plink")
    connection.execute(
        sa.insert(payment_links).values(
            id=link_id,
            merchant_id=caller.merchant_id,
            active=given.active,
            currency=currency,
            url=f"{hosted_base.rstrip('/')}/b/{link_id}",
            after_completion=_after_completion(given.after_completion),
            submit_type=given.submit_type or "auto",
            inactive_message=given.inactive_message or None,
            payment_intent_data=None
            if given.payment_intent_data is None
            else checkout_sessions.intent_data(given.payment_intent_data),
            metadata=metadata_rules.merged({}, given.metadata),
            created_at=clock.now(),
        )
    )
    records.insert_items(connection, payment_link_line_items, {"payment_link_id": link_id}, items)
    link = records.find_link(connection, link_id)
    catalog_records.announce(
        connection, caller, "payment_link.created", to_object(connection, link), clock
    )
    return to_object(connection, link, expand)


def retrieve(
    connection: Connection, caller: Caller, link_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    given = parse(RetrieveParams, params)
    expand = catalog_records.expansions(given.expand, EXPANDABLE, listing=False)
    link = records.find_link(connection, link_id, merchant_id=caller.merchant_id)
    return to_object(connection, link, expand)


def update(
    connection: Connection,
    caller: Caller,
    link_id: str,
    params: dict[str, Any],
    clock: Clock,
) -> dict[str, Any]:
    """Turn a link off or on, or change what follows a payment; what it sells stays."""
    given = parse(UpdateParams, params)
    expand = catalog_records.expansions(given.expand, EXPANDABLE, listing=False)
    link = records.find_link(connection, link_id, merchant_id=caller.merchant_id, lock=True)
    changes: dict[str, Any] = {}
    if given.active is not None:
        changes["active"] = given.active
    if given.after_completion is not None:
        changes["after_completion"] = _after_completion(given.after_completion)
    if "inactive_message" in given.model_fields_set:
        changes["inactive_message"] = given.inactive_message or None
    if given.submit_type is not None:
        changes["submit_type"] = given.submit_type
    if "metadata" in given.model_fields_set:
        changes["metadata"] = metadata_rules.merged(link.metadata, given.metadata)
    before = to_object(connection, link)
    if changes:
        connection.execute(
            sa.update(payment_links).where(payment_links.c.id == link.id).values(**changes)
        )
        link = records.find_link(connection, link_id)
    after = to_object(connection, link)
    previous = catalog_records.changed(before, after)
    if previous:
        catalog_records.announce(
            connection, caller, "payment_link.updated", after, clock, previous=previous
        )
    return to_object(connection, link, expand)


def list_(connection: Connection, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The merchant's payment links, newest first, by ``active``."""
    given = parse(LinkListParams, params)
    expand = catalog_records.expansions(given.expand, EXPANDABLE, listing=True)
    query = sa.select(payment_links).where(payment_links.c.merchant_id == caller.merchant_id)
    if given.active is not None:
        query = query.where(payment_links.c.active == given.active)
    rows, has_more = page(query, payment_links.c.id, given, lambda q: connection.execute(q).all())
    data = [to_object(connection, row, expand) for row in rows]
    return list_object("/v1/payment_links", data, has_more)


def line_items(
    connection: Connection, caller: Caller, link_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    given = parse(ListParams, params)
    records.find_link(connection, link_id, merchant_id=caller.merchant_id)
    items, has_more = records.page_of(records.link_items(connection, link_id), given)
    return list_object(f"/v1/payment_links/{link_id}/line_items", items, has_more)


def button(
    connection: Connection, caller: Caller, link_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    """The "Buy now" button of a link, as HTML to paste into any page (a Mercato
    extension: Stripe's buttons need its own script)."""
    given = parse(ButtonParams, params)
    link = records.find_link(connection, link_id, merchant_id=caller.merchant_id)
    return {
        "object": "payment_link_button",
        "payment_link": link.id,
        "url": link.url,
        "html": button_html(link.url, given.label),
    }


# A visit ------------------------------------------------------------------------------------------


class LinkUnavailable(Exception):
    """The link sells nothing now: it is inactive, or one of its prices was archived."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def open_session(connection: Connection, link_id: str, clock: Clock, *, hosted_base: str) -> Any:
    """A visitor came to the link: a new Checkout Session for what it sells (its row), or
    ``LinkUnavailable``. A missing link is ``ResourceMissing``."""
    link = records.find_link(connection, link_id)
    if not link.active:
        raise LinkUnavailable(link.inactive_message or "This link is no longer available.")
    caller = checkout_sessions.acting_for(link.merchant_id)
    lines = connection.execute(
        sa.select(payment_link_line_items)
        .where(payment_link_line_items.c.payment_link_id == link.id)
        .order_by(payment_link_line_items.c.position)
    ).all()
    try:
        items = [
            replace(
                records.active_price(connection, caller, line.price_id, param="line_items"),
                quantity=line.quantity,
            )
            for line in lines
        ]
    except InvalidRequest:
        raise LinkUnavailable("Something sold through this link is no longer available.") from None
    after = link.after_completion
    hosted = hosted_base.rstrip("/")
    success_url = (
        after["redirect"]["url"]
        if after["type"] == "redirect"
        else f"{hosted}/pay/{records.SESSION_ID_PLACEHOLDER}"  # the gateway's own confirmation
    )
    return checkout_sessions.insert_session(
        connection,
        merchant_id=link.merchant_id,
        items=items,
        hosted_base=hosted,
        success_url=success_url,
        expires_at=clock.now() + checkout_sessions.LIFETIME,
        clock=clock,
        payment_intent_data=link.payment_intent_data or checkout_sessions.intent_data(None),
        metadata=link.metadata,
        submit_type=None if link.submit_type == "auto" else link.submit_type,
        payment_link_id=link.id,
    )
