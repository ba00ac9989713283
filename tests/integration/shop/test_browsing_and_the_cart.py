"""A customer browses the shop, fills a cart, and comes back to it: categories, search,
stock shown honestly, a cart kept across visits, a tampered cookie, a price changed while
the item sat in the cart."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from shop_world import Browser, csrf_token, text_of
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.database.engine import writing
from mercato.shop import catalog, shopkeeping
from mercato.shop.web.cookies import CART_COOKIE


def test_the_catalog_shows_its_shelves_prices_and_honest_stock(customer: Browser) -> None:
    page = customer.open(customer.path)
    assert page.status_code == 200
    words = text_of(page)
    for shelf in ("Jackets", "Footwear", "Camp kitchen", "Packs & accessories"):
        assert shelf in words
    assert "Titanium Camp Mug €29.00 Only 3 left" in words
    assert "Enamel Plate Set €32.00 Out of stock" in words
    assert "Summit Down Jacket from €229.00 In stock" in words
    # Every page works under a strict policy: no inline script or style.
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert "<script>" not in page.text
    assert "style=" not in page.text
    image = customer.open("images/titanium-camp-mug.svg")
    assert image.headers["content-type"].startswith("image/svg+xml")
    assert "Titanium Camp Mug" in image.text

    shelf = text_of(customer.open(f"{customer.path}?category=footwear"))
    assert "Granite Hiking Boots" in shelf
    assert "Ridgeline Rain Jacket" not in shelf


def test_search_finds_names_and_descriptions_whatever_the_case(customer: Browser) -> None:
    found = text_of(customer.open("search?q=COFFEE"))
    assert "Pour-over Coffee Kit" in found
    assert "Trail Coffee Beans, 250 g" in found
    assert "Titanium Camp Mug" not in found
    by_description = text_of(customer.open("search?q=vibram"))
    assert "Granite Hiking Boots" in by_description
    assert "Nothing matches “100%_”" in text_of(customer.open("search?q=100%25_"))


def test_the_product_page_offers_each_variant_with_its_stock(customer: Browser) -> None:
    words = text_of(customer.open("p/ridgeline-rain-jacket"))
    assert "Ember / L €149.00 Only 2 left" in words
    assert "Slate / M €149.00 In stock" in words
    assert "Price includes VAT." in words
    runners = customer.open("p/scree-trail-runners")
    assert "42 €129.00 Out of stock" in text_of(runners)
    assert customer.open("p/no-such-thing").status_code == 404


def test_a_cart_is_kept_across_visits_and_its_lines_change_and_go(
    customer: Browser, app: TestClient
) -> None:
    added = customer.add("ridgeline-rain-jacket", "Slate / M", 2)
    assert "Added to your cart." in text_of(added)
    customer.add("titanium-camp-mug")
    words = text_of(customer.cart())
    assert "Ridgeline Rain Jacket Slate / M €149.00 each" in words
    assert "€298.00" in words
    assert "Cart 3" in words

    # Another visit, days later, with the same cookie: the same cart, from the database.
    cookie = str(app.cookies.get(CART_COOKIE))
    with TestClient(app.app) as later:
        later.cookies.set(CART_COOKIE, cookie)
        assert "€298.00" in text_of(later.get(f"{customer.path}/cart"))

    jacket, mug = customer.line_ids()
    changed = customer.post_form(f"cart/lines/{jacket}", quantity="1", action="update")
    assert "Your cart was updated." in text_of(changed)
    assert "Cart 2" in text_of(changed)
    removed = customer.post_form(f"cart/lines/{mug}", action="remove")
    assert "Removed from your cart." in text_of(removed)
    assert "Titanium Camp Mug" not in text_of(removed)


def test_the_cart_estimates_shipping_and_tax_for_where_it_goes(customer: Browser) -> None:
    customer.add("trail-coffee-beans", "Whole beans", 2)
    home = text_of(customer.cart())
    # Germany: €4.90 shipping under €50; reduced VAT (7%) on coffee, 19% on shipping.
    assert "Items €29.00 Shipping (Germany) €4.90" in home
    assert "Add €21.00 more for free shipping." in home
    assert "Total €33.90" in home
    to_france = text_of(customer.post_form("cart/destination", country="FR"))
    # France: the EU rate, and French VAT inside the same prices: the reduced bracket (10%,
    # France's higher reduced rate) on the coffee, 20% on shipping: 2.64 + 1.65.
    assert "Shipping (EU) €9.90" in to_france
    assert "Total €38.90" in to_france
    assert "Includes VAT €4.29" in to_france


def test_a_tampered_cookie_gets_a_fresh_empty_cart_and_a_clear_message(
    customer: Browser, app: TestClient
) -> None:
    customer.add("headlamp-400")
    [cookie] = [cookie for cookie in app.cookies.jar if cookie.name == CART_COOKIE]
    cookie.value = str(cookie.value)[:-3] + "abc"  # as someone edited it in the browser
    page = customer.cart()
    assert page.status_code == 200
    words = text_of(page)
    assert "We couldn't read your cart, so we started a new, empty one." in words
    assert "Your cart is empty." in words
    # Adding goes to the fresh cart, and the shop carries on as usual.
    customer.add("headlamp-400")
    assert "Headlamp 400" in text_of(customer.cart())


def test_more_than_is_left_cannot_be_added_and_a_sold_out_item_not_at_all(
    customer: Browser,
) -> None:
    too_many = customer.add("titanium-camp-mug", quantity=4)
    assert too_many.status_code == 409
    assert "only 3 of Titanium Camp Mug left: you can have at most 3" in text_of(too_many)
    assert "Your cart is empty." in text_of(customer.cart())
    customer.add("titanium-camp-mug", quantity=2)
    again = customer.add("titanium-camp-mug", quantity=2)
    assert again.status_code == 409
    assert "at most 3" in text_of(again)
    limit = customer.add("merino-hiking-socks", "M", 11)
    assert limit.status_code == 400
    assert "at most 10 of one item per order" in text_of(limit)
    # A sold-out variant is offered disabled; sending it anyway is refused.
    page = customer.open("p/enamel-plate-set")
    assert "disabled" in page.text
    sold_out = customer.client.post(
        f"{customer.path}/cart/add",
        data={
            "csrf_token": csrf_token(page),
            "product": "enamel-plate-set",
            "variant": customer.variants("enamel-plate-set")["Standard"],
        },
    )
    assert sold_out.status_code == 409
    assert "Sorry, Enamel Plate Set is out of stock." in text_of(sold_out)


def test_a_form_without_its_token_changes_nothing(customer: Browser) -> None:
    forged = customer.client.post(
        f"{customer.path}/cart/add",
        data={"product": "headlamp-400", "variant": "x", "csrf_token": "0" * 64},
    )
    assert forged.status_code == 403
    assert "nothing was changed" in text_of(forged)


def test_a_price_changed_in_the_cart_is_shown_explained_and_accepted_before_checkout(
    customer: Browser, engine: Engine, clock: ManualClock
) -> None:
    customer.add("compact-gas-stove")
    with writing(engine) as connection:
        shop = catalog.find_shop(connection, customer.path.rsplit("/", 1)[1])
        stove = catalog.product(connection, shop, "compact-gas-stove")
        shopkeeping.reprice(connection, clock, shop, stove.variants[0].id, 5900)
    words = text_of(customer.cart())
    assert "Prices changed since you added these items" in words
    assert "Compact Gas Stove: was €54.00, now €59.00." in words
    assert "€59.00 each (was €54.00)" in words
    # Checkout waits until the customer has seen and accepted the new price.
    held_back = customer.client.get(f"{customer.path}/checkout", follow_redirects=False)
    assert held_back.status_code == 303
    assert "prices" in held_back.headers["location"]
    accepted = customer.post_form("cart/accept")
    assert "Your cart now uses the new prices." in text_of(accepted)
    assert "was €54.00" not in text_of(accepted)
    assert customer.open("checkout").status_code == 200


@pytest.mark.parametrize("slug", ["no-such-shop"])
def test_an_unknown_shop_is_a_plain_404(app: TestClient, slug: str) -> None:
    page = app.get(f"/shop/{slug}")
    assert page.status_code == 404
    assert "We can't find this shop" in text_of(page)
