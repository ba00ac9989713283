"""The owner lists a product with a variant and its stock from the dashboard and customers
find it in the shop; renames it, reprices and recounts its variants, adds one, archives it
and brings it back. Prices change as at Stripe (a new Price; the old one archived), stock
never goes below what checkouts hold, a sale between looking and saving is not overwritten,
and what is wrong with a form is said beside its field, with nothing saved."""

from __future__ import annotations

import re

from dashboard_world import Owner, sign_in, token
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from storefront_world import *  # noqa: F403 -- its fixtures: storefront, customer
from storefront_world import checked_out

from integration.shop.shop_world import Browser, run_duties, text_of
from mercato.clock import ManualClock
from payments_world import Shop

NEW_TENT = {
    "name": "Alpine Tent 2P",
    "description": "A two-person tent for wind and snow.",
    "tax_category": "standard",
    "image_colour": "#2f855a",
    "price": "249.00",
    "size": "2P",
    "colour": "Forest",
    "on_hand": "4",
}


def shelf_id(page_html: str, name: str) -> str:
    found = re.search(rf'<option value="(cat_\w+)"[^>]*>{re.escape(name)}</option>', page_html)
    assert found is not None, f"no shelf {name}"
    return found.group(1)


def create(browser: TestClient, **fields: str) -> TestClient:
    form = browser.get("/dashboard/products/new")
    assert form.status_code == 200
    chosen = NEW_TENT | {"category": shelf_id(form.text, "Packs &amp; accessories")} | fields
    return browser.post("/dashboard/products/new", data={"csrf_token": token(form.text)} | chosen)


def product_id_of(browser: TestClient, name: str) -> str:
    found = re.search(
        rf'href="/dashboard/products/(prod_\w+)"><strong>{re.escape(name)}<',
        browser.get("/dashboard/products").text,
    )
    assert found is not None, f"{name} is not listed"
    return found.group(1)


def variant_form(page_html: str, label: str) -> tuple[str, dict[str, str]]:
    """The action of a variant's form on the product's page, and its fields as shown."""
    start = page_html.index(f">{label}</h3>")
    begin = page_html.rindex("<form", 0, start)
    form = page_html[begin : page_html.index("</form>", start)]
    action = re.search(r'action="([^"]+)"', form)
    assert action is not None
    fields = dict(re.findall(r'name="(\w+)"(?: type="\w+")? value="([^"]*)"', form))
    fields.update(dict(re.findall(r'name="(\w+)" type="\w+" value="([^"]*)"', form)))
    return action.group(1), fields


def test_a_new_product_with_its_variant_and_stock_is_sold_in_the_shop(
    browser: TestClient, owner: Owner, shop: Shop, storefront: str, customer: Browser
) -> None:
    sign_in(browser, owner.email, owner.password)
    made = create(browser)
    assert made.status_code == 303
    page = browser.get(made.headers["location"])
    words = text_of(page)
    assert "Product created. It is on sale in your shop." in words
    assert "Forest / 2P" in words
    assert "On hand 4 Reserved 0 Available 4" in words

    listed = customer.open("p/alpine-tent-2p")
    assert listed.status_code == 200
    assert "Alpine Tent 2P" in text_of(listed)
    assert "$249.00" in text_of(listed)
    assert "Alpine Tent 2P" in text_of(customer.open(storefront))

    # The gateway holds it, as if it were made through the API.
    product_id = made.headers["location"].split("/")[-1].split("?")[0]
    product = shop.get(f"/v1/products/{product_id}")
    assert product["name"] == "Alpine Tent 2P"
    price = shop.get(f"/v1/prices/{product['default_price']}")
    assert (price["unit_amount"], price["currency"]) == (24900, "usd")
    assert price["tax_behavior"] == "exclusive"  # a US shop: prices before sales tax


def test_a_new_price_is_a_new_gateway_price_and_the_old_one_is_archived(
    browser: TestClient, owner: Owner, shop: Shop, storefront: str, customer: Browser
) -> None:
    sign_in(browser, owner.email, owner.password)
    product_id = create(browser).headers["location"].split("/")[-1].split("?")[0]
    page = browser.get(f"/dashboard/products/{product_id}")
    action, fields = variant_form(page.text, "Forest / 2P")
    saved = browser.post(action, data=fields | {"price": "229.00"})
    assert saved.status_code == 303

    prices = shop.get("/v1/prices", product=product_id)["data"]
    assert sorted((p["unit_amount"], p["active"]) for p in prices) == [
        (22900, True),
        (24900, False),
    ]
    new = next(p for p in prices if p["active"])
    assert shop.get(f"/v1/products/{product_id}")["default_price"] == new["id"]
    assert "$229.00" in text_of(customer.open("p/alpine-tent-2p"))


def test_the_owner_renames_a_product_and_adds_a_variant_with_its_stock(
    browser: TestClient, owner: Owner, shop: Shop, storefront: str, customer: Browser
) -> None:
    sign_in(browser, owner.email, owner.password)
    product_id = create(browser).headers["location"].split("/")[-1].split("?")[0]
    page = browser.get(f"/dashboard/products/{product_id}")
    renamed = browser.post(
        f"/dashboard/products/{product_id}",
        data={
            "csrf_token": token(page.text),
            "name": "Alpine Tent",
            "description": "Two people, wind and snow.",
            "category": "",
        },
    )
    assert renamed.status_code == 303
    added = browser.post(
        f"/dashboard/products/{product_id}/variants",
        data={
            "csrf_token": token(page.text),
            "price": "299.00",
            "size": "3P",
            "colour": "Forest",
            "on_hand": "2",
        },
    )
    assert added.status_code == 303
    assert "Variant added." in text_of(browser.get(added.headers["location"]))

    assert shop.get(f"/v1/products/{product_id}")["name"] == "Alpine Tent"
    assert customer.variants("alpine-tent-2p").keys() == {"Forest / 2P", "Forest / 3P"}
    words = text_of(customer.open("p/alpine-tent-2p"))
    assert "Alpine Tent" in words
    assert "Two people, wind and snow." in words
    twin = browser.post(
        f"/dashboard/products/{product_id}/variants",
        data={"csrf_token": token(page.text), "price": "1", "size": "3P", "colour": "Forest"}
        | {"on_hand": "1"},
    )
    assert twin.status_code == 400
    assert "This product already has a variant Forest / 3P." in text_of(twin)


def test_stock_is_counted_anew_but_never_below_what_checkouts_hold(
    browser: TestClient, owner: Owner, storefront: str, customer: Browser
) -> None:
    checked_out(customer, "titanium-camp-mug", quantity=2)  # 3 on hand, 2 held by checkout
    sign_in(browser, owner.email, owner.password)
    product_id = product_id_of(browser, "Titanium Camp Mug")
    page = browser.get(f"/dashboard/products/{product_id}")
    assert "On hand 3 Reserved 2 Available 1" in text_of(page)
    action, fields = variant_form(page.text, "Standard")
    assert fields["was_on_hand"] == "3"

    too_few = browser.post(action, data=fields | {"on_hand": "1"})
    assert too_few.status_code == 400
    assert "2 are reserved by checkouts under way, so on hand cannot go below 2." in text_of(
        too_few
    )
    assert "On hand 3 Reserved 2 Available 1" in text_of(too_few)  # nothing saved

    counted = browser.post(action, data=fields | {"on_hand": "12"})
    assert counted.status_code == 303
    assert "On hand 12 Reserved 2 Available 10" in text_of(browser.get(counted.headers["location"]))
    assert "In stock" in text_of(customer.open("p/titanium-camp-mug"))


def test_a_sale_made_while_the_owner_counts_is_not_overwritten(
    *,
    browser: TestClient,
    owner: Owner,
    storefront: str,
    customer: Browser,
    engine: Engine,
    clock: ManualClock,
) -> None:
    sign_in(browser, owner.email, owner.password)
    product_id = product_id_of(browser, "Titanium Camp Mug")
    action, fields = variant_form(browser.get(f"/dashboard/products/{product_id}").text, "Standard")

    paid = customer.pay(checked_out(customer, "titanium-camp-mug"))  # meanwhile, a sale
    assert paid.status_code == 303
    run_duties(engine, clock)

    stale = browser.post(action, data=fields | {"on_hand": "10"})
    assert stale.status_code == 400
    assert "The stock changed while you were editing it (3 on hand then, 2 now)" in text_of(stale)
    assert "On hand 2 Reserved 0 Available 2" in text_of(stale)


def test_what_is_wrong_with_a_form_is_said_beside_its_field_and_nothing_is_saved(
    browser: TestClient, owner: Owner, shop: Shop, storefront: str
) -> None:
    sign_in(browser, owner.email, owner.password)
    before = len(shop.get("/v1/products", limit=100)["data"])
    wrong = create(browser, name=" ", price="12,50", on_hand="-1")
    assert wrong.status_code == 400
    words = text_of(wrong)
    assert "Please check the highlighted fields." in words
    assert "Enter the product's name." in words
    assert "Enter a price in USD, such as $12.50." in words
    assert "Enter a whole number from 0 to 1,000,000." in words
    assert 'value="12,50"' in wrong.text  # what was typed is kept
    assert len(shop.get("/v1/products", limit=100)["data"]) == before


def test_an_archived_product_leaves_the_shop_until_it_is_back_on_sale(
    browser: TestClient, owner: Owner, storefront: str, customer: Browser
) -> None:
    sign_in(browser, owner.email, owner.password)
    product_id = product_id_of(browser, "Headlamp 400")
    page = browser.get(f"/dashboard/products/{product_id}")
    archived = browser.post(
        f"/dashboard/products/{product_id}/archive", data={"csrf_token": token(page.text)}
    )
    assert "Archived: the shop no longer shows it." in text_of(
        browser.get(archived.headers["location"])
    )
    assert customer.open("p/headlamp-400").status_code == 404
    assert "Archived" in text_of(browser.get("/dashboard/products"))

    browser.post(
        f"/dashboard/products/{product_id}/unarchive", data={"csrf_token": token(page.text)}
    )
    assert customer.open("p/headlamp-400").status_code == 200


def test_another_merchants_product_is_missing_and_a_form_without_its_token_does_nothing(
    browser: TestClient, owner: Owner, storefront: str, other_shop: Shop
) -> None:
    status, theirs = other_shop.post("/v1/products", name="Their secret product")
    assert status == 200
    sign_in(browser, owner.email, owner.password)
    assert browser.get(f"/dashboard/products/{theirs['id']}").status_code == 404
    page = browser.get("/dashboard/products/new")
    posted = browser.post(
        f"/dashboard/products/{theirs['id']}",
        data={"csrf_token": token(page.text), "name": "Mine now", "description": ""},
    )
    assert posted.status_code == 404
    assert other_shop.get(f"/v1/products/{theirs['id']}")["name"] == "Their secret product"

    ours = product_id_of(browser, "Headlamp 400")
    forged = browser.post(f"/dashboard/products/{ours}", data={"name": "Forged", "description": ""})
    assert forged.status_code == 403
    assert "Headlamp 400" in text_of(browser.get(f"/dashboard/products/{ours}"))
