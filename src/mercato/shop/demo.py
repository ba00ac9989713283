"""The demo's shop: an outdoor-gear store with a believable catalog, for ``mercato demo``.

``seed_demo_shop`` is idempotent: a merchant that already has a shop keeps it. Its products
and prices are made at the gateway (so they show in ``/v1/products`` too), with size and
colour variants, one item low on stock and one sold out. A merchant in an EU country gets
a shop there with prices including VAT; any other merchant a US shop in Colorado with
prices before sales tax.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection, Engine

from mercato.clock import Clock
from mercato.database.engine import writing
from mercato.gateway.merchants import get_merchant
from mercato.shop import catalog, shopkeeping
from mercato.shop.addresses import COUNTRIES
from mercato.shop.errors import NotFound
from mercato.shop.shopkeeping import VariantSpec as V
from mercato.tax import EU_MEMBER_STATES, TaxCategory

SLUG = "trailhead"
NAME = "Trailhead Outfitters"
TAGLINE = "Gear for long days outside: jackets, boots, packs and a good cup of coffee at camp."


@dataclass(frozen=True)
class Item:
    slug: str
    name: str
    description: str
    shelf: str
    colour: str
    variants: tuple[V, ...]
    tax: TaxCategory = TaxCategory.STANDARD


SHELVES = {
    "jackets": "Jackets",
    "footwear": "Footwear",
    "camp-kitchen": "Camp kitchen",
    "packs": "Packs & accessories",
}

CATALOG = (
    Item("ridgeline-rain-jacket", "Ridgeline Rain Jacket",
         "A three-layer waterproof shell with pit zips and a helmet-ready hood. Packs into "
         "its own pocket.", "jackets", "#b45309",
         (V(14900, 6, "S", "Ember"), V(14900, 9, "M", "Ember"), V(14900, 2, "L", "Ember"),
          V(14900, 5, "S", "Slate"), V(14900, 12, "M", "Slate"), V(14900, 7, "L", "Slate"))),
    Item("summit-down-jacket", "Summit Down Jacket",
         "800-fill responsibly sourced down for cold belays and winter camps.", "jackets",
         "#1e3a8a",
         (V(22900, 4, "S"), V(22900, 8, "M"), V(22900, 6, "L"), V(23900, 3, "XL"))),
    Item("trail-fleece", "Trail Fleece",
         "A grid fleece that breathes on the climb and keeps you warm at the top.",
         "jackets", "#166534",
         (V(6900, 10, "M", "Moss"), V(6900, 8, "L", "Moss"), V(6900, 9, "M", "Navy"),
          V(6900, 0, "L", "Navy"))),
    Item("granite-hiking-boots", "Granite Hiking Boots",
         "Full-grain leather, a waterproof membrane and a Vibram sole, for rough trails.",
         "footwear", "#78350f",
         tuple(V(17900, stock, str(size)) for size, stock in
               ((40, 3), (41, 6), (42, 8), (43, 7), (44, 4), (45, 2)))),
    Item("scree-trail-runners", "Scree Trail Runners",
         "Light, grippy and quick to dry: for fast days on technical ground.", "footwear",
         "#be123c",
         tuple(V(12900, stock, str(size)) for size, stock in
               ((41, 5), (42, 0), (43, 6), (44, 4)))),
    Item("merino-hiking-socks", "Merino Hiking Socks (2 pairs)",
         "Cushioned merino wool socks that stay fresh for days.", "footwear", "#6d28d9",
         (V(2400, 30, "S"), V(2400, 40, "M"), V(2400, 25, "L"))),
    Item("titanium-camp-mug", "Titanium Camp Mug",
         "450 ml, 72 g, with folding handles and a lid. Goes on the stove.", "camp-kitchen",
         "#475569", (V(2900, 3),)),
    Item("compact-gas-stove", "Compact Gas Stove",
         "Boils a litre in three minutes and folds to the size of an egg.", "camp-kitchen",
         "#0f766e", (V(5400, 14),)),
    Item("enamel-plate-set", "Enamel Plate Set",
         "Four speckled enamel plates for the camp table.", "camp-kitchen", "#0369a1",
         (V(3200, 0),)),
    Item("pour-over-coffee-kit", "Pour-over Coffee Kit",
         "A collapsible dripper, a hand grinder and filters, in a pouch.", "camp-kitchen",
         "#92400e", (V(3900, 11),)),
    Item("trail-coffee-beans", "Trail Coffee Beans, 250 g",
         "A chocolatey medium roast from a small roaster, ground for pour-over or whole.",
         "camp-kitchen", "#451a03",
         (V(1450, 20, None, "Whole beans"), V(1450, 15, None, "Ground")),
         TaxCategory.REDUCED),
    Item("daypack-24", "Daypack 24 L",
         "A light daypack with a hip belt, a hydration sleeve and a rain cover.", "packs",
         "#c2410c", (V(8900, 7, None, "Ember"), V(8900, 5, None, "Slate"))),
    Item("headlamp-400", "Headlamp 400",
         "400 lumens, a red light for the tent, and USB-C charging.", "packs", "#ca8a04",
         (V(4400, 18),)),
    Item("trekking-poles", "Trekking Poles (pair)",
         "Aluminium poles with cork grips and quick locks, 105 to 135 cm.", "packs",
         "#334155", (V(7900, 9),)),
)  # fmt: skip


def _rates(connection: Connection, shop_id: str, country: str) -> None:
    """Flat rates: home, the rest of the EU (or the US), and everywhere else."""
    if country == "US":
        groups: list[tuple[str, list[str] | None, int, int | None]] = [
            ("US Ground", ["US"], 795, 7500),
            ("International", None, 2400, None),
        ]
    else:
        europe = sorted(c for c in COUNTRIES if c in EU_MEMBER_STATES and c != country)
        groups = [
            (COUNTRIES.get(country, country), [country], 490, 5000),
            ("EU", europe, 990, 10000),
            ("International", None, 1990, None),
        ]
    for position, (name, countries, amount, free_over) in enumerate(groups):
        shopkeeping.add_shipping_rate(
            connection,
            shop_id,
            name=name,
            countries=countries,
            amount=amount,
            free_over=free_over,
            position=position,
        )


def seed_demo_shop(engine: Engine, clock: Clock, merchant_id: str) -> str:
    """The merchant's demo shop, made on the first call; returns its path ("/shop/...")."""
    with writing(engine) as connection:
        existing = catalog.shop_of_merchant(connection, merchant_id)
        if existing is not None:
            return f"/shop/{existing.slug}"
        merchant = get_merchant(connection, merchant_id)
        if merchant is None:
            raise ValueError(f"no such merchant: {merchant_id}")
        in_eu = merchant.country in EU_MEMBER_STATES
        country = merchant.country if in_eu or merchant.country == "US" else "US"
        slug = SLUG
        try:
            catalog.find_shop(connection, slug)
            slug = f"{SLUG}-{merchant_id[-8:].lower()}"
        except NotFound:
            pass
        shop_id = shopkeeping.open_shop(
            connection,
            clock,
            merchant_id=merchant_id,
            slug=slug,
            name=NAME,
            tagline=TAGLINE,
            country=country,
            currency=merchant.default_currency.code,
            prices_include_tax=in_eu,
            state=None if in_eu else "CO",
            nexus_states=() if in_eu else ("CA", "NY", "WA"),
        )
        _rates(connection, shop_id, country)
        shelves = {
            key: shopkeeping.add_category(connection, shop_id, slug=key, name=name, position=n)
            for n, (key, name) in enumerate(SHELVES.items())
        }
        shop = catalog.find_shop(connection, slug)
        for position, item in enumerate(CATALOG):
            shopkeeping.list_product(
                connection,
                clock,
                shop,
                slug=item.slug,
                name=item.name,
                description=item.description,
                category_id=shelves[item.shelf],
                colour=item.colour,
                variants_=item.variants,
                tax_category=item.tax,
                position=position,
            )
        return f"/shop/{slug}"
