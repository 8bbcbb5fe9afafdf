"""The sync's safety contract: what must always hold of a shop's two catalogs and the app's records.

Each check below states one promise in plain words and returns the ways it is broken (an empty list
when it holds), one sentence per breach, naming the product and the field. The checks read an
`Observed` state — both catalogs as read from Shopify and JOOR, plus the app's own rows (links,
conflicts, problems, events) — and the checks that compare two moments also take `PeopleDid`: what
the merchant (in Shopify) and the brand (in JOOR) changed by hand in between, since some changes
only a person may make.

How the two catalogs correspond:
  Shopify title ↔ JOOR style_name, description ↔ style_description, product type ↔ silhouette,
  tags ↔ tag values; a variant (Color, Size) ↔ a SKU (colour, size), barcode ↔ UPC, stock ↔
  inventory_available; a variant's price ↔ a JOOR price in the shop's currency (of the price label
  the merchant chose, when one is chosen).

Field paths are the sync's own (`title`, `variants[C1/36].price`). A value is addressed as a `Slot`:
`("shopify:<product or variant id>", field)` or `("joor:<style id>[:<colour code>/<size>]", field)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from joorsync.sync.canonical import money, variant_key
from joorsync.sync.models import Conflict, JoorAccount, ProductLink, ProductProblem, SyncEvent, VariantLink

Slot = tuple[str, str]

#: Who may change a field group when the merchant has not said otherwise.
DEFAULT_OWNERSHIP = {
    "content": "two-way",
    "identifiers": "two-way",
    "prices": "two-way",
    "inventory": "shopify",
    "joor_fields": "joor",
}
#: Field → field group, for the fields both catalogs hold.
FIELD_GROUPS = {
    "title": "content",
    "description": "content",
    "product_type": "content",
    "tags": "content",
    "barcode": "identifiers",
    "sku": "identifiers",
    "color": "identifiers",
    "price": "prices",
    "inventory": "inventory",
}
#: Fields whose value a sync must never empty on its own.
BLANKABLE = ("title", "description", "product_type", "tags", "barcode", "sku", "color")
ZERO = "0.00"


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


#: The value of a slot that does not exist (a removed variant's price, say).
ABSENT: Any = _Absent()


# -- what is observed ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShopifyVariant:
    id: str
    color: str | None  # the value of its Color option (None when it has none)
    size: str | None
    sku: str | None
    barcode: str | None
    price: str
    inventory: int


@dataclass(frozen=True, slots=True)
class ShopifyProduct:
    id: str
    title: str
    description: str
    product_type: str
    status: str
    tags: tuple[str, ...]
    variants: tuple[ShopifyVariant, ...]
    # The `joor.*` identity metafields: which style the product says it is.
    style_id: int | None = None
    style_number: str = ""
    style_identifier: str = ""


@dataclass(frozen=True, slots=True)
class JoorPrice:
    label: str
    currency: str
    wholesale: str | None
    retail: str | None


@dataclass(frozen=True, slots=True)
class JoorSku:
    color_code: str
    color_name: str
    size: str
    upc: str | None
    inventory: int


@dataclass(frozen=True, slots=True)
class JoorStyle:
    id: int
    style_number: str
    style_identifier: str
    name: str
    description: str
    silhouette: str
    tags: tuple[str, ...]
    prices: tuple[JoorPrice, ...]
    skus: tuple[JoorSku, ...]  # every colour × size: JOOR sells the whole grid
    packs: tuple[tuple[str, int], ...] = ()  # casepack sizes and their units: priced unit × units


@dataclass(frozen=True, slots=True)
class LinkRow:
    id: int
    status: str
    shopify_product_id: str
    joor_style_id: int | None
    note: str
    variants: tuple[tuple[str, str, str], ...] = ()  # (Shopify variant id, colour code, size)
    has_base: bool = True  # a snapshot of the last agreed values exists

    @property
    def linked(self) -> bool:
        return (
            self.status == ProductLink.Status.LINKED
            and bool(self.shopify_product_id)
            and (self.joor_style_id is not None)
        )


@dataclass(frozen=True, slots=True)
class ConflictRow:
    link_id: int
    field_path: str
    status: str
    resolution: str
    resolved_value: Any
    applied: bool


@dataclass(frozen=True, slots=True)
class ProblemRow:
    link_id: int | None
    subject: str
    field_path: str
    code: str
    message: str
    open: bool


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    link_id: int | None
    action: str


@dataclass(frozen=True, slots=True)
class Settings:
    currency: str  # the shop's own
    ownership: Mapping[str, str]
    direction: str
    price_label: str
    price_currency: str
    price_field: str
    new_product_status: str
    sync_shopify_drafts: bool

    def owner(self, group: str) -> str:
        return self.ownership.get(group) or DEFAULT_OWNERSHIP[group]

    @property
    def price_currency_used(self) -> str:
        """JOOR prices in this currency may become Shopify prices: the shop's, unless one was chosen."""
        return self.price_currency or self.currency


@dataclass(frozen=True)
class Observed:
    """Both catalogs and the app's records at one moment."""

    shopify: Mapping[str, ShopifyProduct]
    joor: Mapping[int, JoorStyle]
    links: tuple[LinkRow, ...]
    conflicts: tuple[ConflictRow, ...]
    problems: tuple[ProblemRow, ...]
    events: tuple[EventRow, ...]
    settings: Settings

    # The lookups every check needs.
    def link_of_product(self, product_id: str) -> LinkRow | None:
        return next((link for link in self.links if link.shopify_product_id == product_id), None)

    def link_of_style(self, style_id: int) -> LinkRow | None:
        return next((link for link in self.links if link.joor_style_id == style_id), None)

    def product_of_variant(self, variant_id: str) -> ShopifyProduct | None:
        return next((p for p in self.shopify.values() if any(v.id == variant_id for v in p.variants)), None)

    def last_event_id(self) -> int:
        return max((e.id for e in self.events), default=0)


@dataclass(frozen=True)
class PeopleDid:
    """What people did between two observations: the values they set (a slot they emptied maps to
    the empty value), the products, styles and variants they created, and — kept across the whole
    history, since a sync may carry a price later — every price a person typed for a product."""

    edits: Mapping[Slot, Any] = field(default_factory=dict)
    created: frozenset[str] = frozenset()  # "shopify:<id>" / "joor:<style id>[:<colour>/<size>]"
    prices: Mapping[str, frozenset[str]] = field(default_factory=dict)  # "shopify:<product>"/"joor:<style>"


# -- reading the app's rows --------------------------------------------------------------------------


def observe(
    *,
    account: JoorAccount,
    currency: str,
    shopify: Iterable[ShopifyProduct],
    joor: Iterable[JoorStyle],
) -> Observed:
    """Join the two catalogs (read by the caller) with the shop's rows in the app's database."""
    shop = account.shop
    variant_rows: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    links = list(ProductLink.objects.filter(shop=shop).defer("snapshot").order_by("pk"))
    without_base = set(
        ProductLink.objects.filter(shop=shop, snapshot__isnull=True).values_list("pk", flat=True)
    )
    for link_id, variant_id, color, size in (
        VariantLink.objects.filter(product_link__shop=shop)
        .order_by("pk")
        .values_list("product_link_id", "shopify_variant_id", "color_code", "size")
    ):
        variant_rows[link_id].append((variant_id, color, size))
    return Observed(
        shopify={p.id: p for p in shopify},
        joor={s.id: s for s in joor},
        links=tuple(
            LinkRow(
                id=link.pk,
                status=link.status,
                shopify_product_id=link.shopify_product_id,
                joor_style_id=link.joor_style_id,
                note=link.note,
                variants=tuple(variant_rows[link.pk]),
                has_base=link.pk not in without_base,
            )
            for link in links
        ),
        conflicts=tuple(
            ConflictRow(
                c.link_id, c.field_path, c.status, c.resolution, c.resolved_value, c.applied_at is not None
            )
            for c in Conflict.objects.filter(shop=shop).order_by("pk")
        ),
        problems=tuple(
            ProblemRow(
                p.link_id, p.subject, p.field_path, p.code, p.message, p.status == ProductProblem.Status.OPEN
            )
            for p in ProductProblem.objects.filter(shop=shop).order_by("pk")
        ),
        events=tuple(
            EventRow(*row)
            for row in SyncEvent.objects.filter(shop=shop)
            .order_by("pk")
            .values_list("pk", "link_id", "action")
        ),
        settings=Settings(
            currency=currency,
            ownership=dict(account.ownership or {}),
            direction=account.direction,
            price_label=account.price_label,
            price_currency=account.price_currency,
            price_field=account.price_field or "price_retail",
            new_product_status=account.new_product_status,
            sync_shopify_drafts=account.sync_shopify_drafts,
        ),
    )


# -- values, slots and how they are named ---------------------------------------------------------


def values(state: Observed) -> dict[Slot, Any]:
    """Every value of both catalogs, by slot."""
    out: dict[Slot, Any] = {}
    for product in state.shopify.values():
        item = f"shopify:{product.id}"
        out[(item, "title")] = product.title
        out[(item, "description")] = product.description
        out[(item, "product_type")] = product.product_type
        out[(item, "tags")] = tuple(sorted(product.tags))
        out[(item, "status")] = product.status
        for variant in product.variants:
            item = f"shopify:{variant.id}"
            for name in ("color", "size", "sku", "barcode", "price", "inventory"):
                out[(item, name)] = getattr(variant, name)
    for style in state.joor.values():
        item = f"joor:{style.id}"
        out[(item, "title")] = style.name
        out[(item, "description")] = style.description
        out[(item, "product_type")] = style.silhouette
        out[(item, "tags")] = tuple(sorted(style.tags))
        for price in style.prices:
            out[(item, f"price {price.currency}/{price.label} wholesale")] = price.wholesale
            out[(item, f"price {price.currency}/{price.label} retail")] = price.retail
        for sku in style.skus:
            item = sku_item(style.id, sku.color_code, sku.size)
            out[(item, "color")] = sku.color_name
            out[(item, "barcode")] = sku.upc
            out[(item, "inventory")] = sku.inventory
    return out


def sku_item(style_id: int, color_code: str, size: str) -> str:
    return f"joor:{style_id}:{variant_key(color_code, size)}"


def describe(state: Observed, item: str) -> str:
    """A person's name for an item: the product, its id, and the variant or SKU."""
    side, _, rest = item.partition(":")
    if side == "shopify":
        product = state.shopify.get(rest)
        if product is not None:
            return f'Shopify product "{product.title}" ({rest})'
        owner = state.product_of_variant(rest)
        if owner is not None:
            variant = next(v for v in owner.variants if v.id == rest)
            return f'variant {variant.color} / {variant.size} ({rest}) of Shopify product "{owner.title}"'
        return f"Shopify {rest}"
    style_id, _, key = rest.partition(":")
    style = state.joor.get(int(style_id)) if style_id.isdigit() else None
    name = (
        f'JOOR style {style.style_number} "{style.name}" ({style_id})' if style else f"JOOR style {style_id}"
    )
    return f"SKU {key} of {name}" if key else name


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, tuple | list | set | frozenset):
        return not value
    return False


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


def _item_product(state: Observed, item: str) -> str:
    """The product-level item (`shopify:<product>` / `joor:<style>`) an item belongs to."""
    side, _, rest = item.partition(":")
    if side == "shopify":
        if rest in state.shopify:
            return item
        owner = state.product_of_variant(rest)
        return f"shopify:{owner.id}" if owner else item
    return "joor:" + rest.partition(":")[0]


def _link_of_item(state: Observed, item: str) -> LinkRow | None:
    product = _item_product(state, item)
    side, _, rest = product.partition(":")
    if side == "shopify":
        return state.link_of_product(rest)
    return state.link_of_style(int(rest)) if rest.isdigit() else None


def _variant_key_of(state: Observed, link: LinkRow | None, item: str) -> str | None:
    """The variant key (`C1/36`) of a Shopify variant or JOOR SKU item, as far as the link says."""
    side, _, rest = item.partition(":")
    if side == "joor":
        key = rest.partition(":")[2]
        return key or None
    for variant_id, color, size in link.variants if link else ():
        if variant_id == rest:
            return variant_key(color, size)
    return None


def field_path(state: Observed, slot: Slot) -> tuple[LinkRow, str] | None:
    """The link and the sync's field path a slot stands for, when its product is linked."""
    item, name = slot
    link = _link_of_item(state, item)
    if link is None:
        return None
    if _item_product(state, item) == item:
        return link, ("variants[*].price" if name.startswith("price ") else name)
    key = _variant_key_of(state, link, item)
    if key is None:
        return None
    return link, f"variants[{key}].{'color_name' if name == 'color' else name}"


def _pending(state: Observed, slot: Slot) -> list[ConflictRow]:
    """Resolutions a person decided that the app has yet to write, for this slot's field."""
    found = field_path(state, slot)
    if found is None:
        return []
    link, path = found
    return [
        c
        for c in state.conflicts
        if c.link_id == link.id
        and c.status == Conflict.Status.RESOLVED
        and not c.applied
        and c.resolution not in (Conflict.Resolution.CONVERGED, Conflict.Resolution.OWNERSHIP)
        and _same_field(c.field_path, path)
    ]


def _same_field(a: str, b: str) -> bool:
    if a == b:
        return True
    if "[*]" in a or "[*]" in b:
        return a.rpartition(".")[2] == b.rpartition(".")[2]
    return a.startswith(b + ".") or b.startswith(a + ".")


# -- the promises, step by step ------------------------------------------------------------------------


def no_product_duplicated(now: Observed) -> list[str]:
    """No product is in either catalog twice: no two Shopify products share a barcode or say they
    are the same JOOR style, and no two JOOR styles share a style number + identifier or a UPC."""
    out: list[str] = []

    def report(what: str, owners: Mapping[Any, set[str]]) -> None:
        for key, items in sorted(owners.items(), key=lambda kv: str(kv[0])):
            if len(items) > 1:
                names = "; ".join(describe(now, item) for item in sorted(items))
                out.append(f"{what} {key} is on {len(items)} products: {names}")

    barcodes: dict[str, set[str]] = defaultdict(set)
    styles: dict[Any, set[str]] = defaultdict(set)
    for product in now.shopify.values():
        item = f"shopify:{product.id}"
        for variant in product.variants:
            if variant.barcode:
                barcodes[variant.barcode].add(item)
        link = now.link_of_product(product.id)
        if link is not None and not link.linked and link.note:
            # Its JOOR fields are left from a link a person moved to another product (Shopify is not
            # written when a link is undone); it is listed, with why, for a person to link by hand.
            continue
        if product.style_id is not None:
            styles[f"id {product.style_id}"].add(item)
        elif product.style_number:
            styles[f"{product.style_number}/{product.style_identifier}"].add(item)
    report("Shopify barcode", barcodes)
    report("JOOR style", styles)
    numbers: dict[Any, set[str]] = defaultdict(set)
    upcs: dict[str, set[str]] = defaultdict(set)
    for style in now.joor.values():
        item = f"joor:{style.id}"
        numbers[f"{style.style_number}/{style.style_identifier}"].add(item)
        for sku in style.skus:
            if sku.upc:
                upcs[sku.upc].add(item)
    report("JOOR style number", numbers)
    report("JOOR UPC", upcs)
    return out


def _partner_stock(state: Observed, item: str) -> set[int]:
    """The stock of the other side's variant or SKU this one is linked to."""
    link = _link_of_item(state, item)
    if link is None or not link.linked:
        return set()
    side, _, rest = item.partition(":")
    found: set[int] = set()
    style = state.joor.get(link.joor_style_id or -1)
    product = state.shopify.get(link.shopify_product_id)
    if style is None or product is None:
        return found
    if side == "shopify":
        variant = next((v for v in product.variants if v.id == rest), None)
        key = _variant_key_of(state, link, item)
        for sku in style.skus:
            if variant_key(sku.color_code, sku.size) == key or (
                variant and variant.barcode and sku.upc == variant.barcode
            ):
                found.add(sku.inventory)
    else:
        key = rest.partition(":")[2]
        keyed = next((s for s in style.skus if variant_key(s.color_code, s.size) == key), None)
        ids = {vid for vid, color, size in link.variants if variant_key(color, size) == key}
        for variant in product.variants:
            if variant.id in ids or (keyed and keyed.upc and variant.barcode == keyed.upc):
                found.add(variant.inventory)
    return found


def stock_changed_only_by_its_owner(before: Observed, after: Observed, people: PeopleDid) -> list[str]:
    """Stock moves only by its owner: a person changes it on their side, and the app copies the
    owning side's figure to the other side (Shopify owns stock unless the merchant chose otherwise;
    "two-way" lets either side lead; "ignore" means the app never touches stock)."""
    owner = after.settings.owner("inventory")
    was, now = values(before), values(after)
    out = []
    for slot, old in was.items():
        item, name = slot
        if name != "inventory" or slot not in now or now[slot] == old:
            continue
        new = now[slot]
        if slot in people.edits and people.edits[slot] == new:
            continue
        side = item.partition(":")[0]
        follows = (
            owner == "two-way"
            or (owner == "joor" and side == "shopify")
            or (owner == "shopify" and side == "joor")
        )
        if follows and new in _partner_stock(after, item):
            continue
        if any(c.resolved_value == new for c in _pending(before, slot)):
            continue
        out.append(
            f"stock of {describe(after, item)} changed {old} → {new}, though {owner} owns stock "
            "and no person set it"
        )
    return out


def nothing_blanked_unless_cleared(before: Observed, after: Observed, people: PeopleDid) -> list[str]:
    """A field that had a value becomes empty only when a person emptied it on that side, or a
    person resolved its conflict with "clear this field"."""
    was, now = values(before), values(after)
    out = []
    for slot, old in was.items():
        item, name = slot
        if name not in BLANKABLE or slot not in now or is_blank(old) or not is_blank(now[slot]):
            continue
        if slot in people.edits and is_blank(people.edits[slot]):
            continue
        if any(c.resolution == Conflict.Resolution.CLEAR for c in _pending(before, slot)):
            continue
        out.append(f"{name} of {describe(before, item)} was emptied ({_show(old)} → {_show(now[slot])})")
    return out


def _as_money(value: Any) -> str | None:
    try:
        return money(value)
    except (ArithmeticError, ValueError, TypeError):
        return None


def _joor_prices(states: Iterable[Observed], style_ids: Iterable[int], currency: str) -> set[str]:
    found: set[str] = set()
    for state in states:
        for style_id in style_ids:
            style = state.joor.get(style_id)
            for price in style.prices if style else ():
                if price.currency == currency:
                    found |= {p for p in (price.wholesale, price.retail) if p is not None}
    return found


def _pack_units(states: Iterable[Observed], style_ids: Iterable[int], size: str) -> int:
    """The units a casepack size of these styles stands for (1: not a casepack)."""
    for state in states:
        for style_id in style_ids:
            style = state.joor.get(style_id)
            for name, units in style.packs if style else ():
                if name == size:
                    return units
    return 1


def _times(price: str, units: int) -> str:
    return f"{(Decimal(price) * units).quantize(Decimal('0.01'))}"


def _styles_of(states: Iterable[Observed], product: ShopifyProduct) -> set[int]:
    found = {product.style_id} if product.style_id is not None else set()
    for state in states:
        link = state.link_of_product(product.id)
        if link is not None and link.joor_style_id is not None:
            found.add(link.joor_style_id)
    return found


def _typed_prices(people: PeopleDid, product_id: str, style_ids: Iterable[int]) -> set[str]:
    typed = set(people.prices.get(f"shopify:{product_id}", ()))
    for style_id in style_ids:
        typed |= set(people.prices.get(f"joor:{style_id}", ()))
    return {_as_money(p) or p for p in typed}


def no_price_invented(before: Observed, after: Observed, people: PeopleDid) -> list[str]:
    """Every Shopify price is one a person typed, or a JOOR price in the shop's currency (another
    currency only when the merchant chose it); JOOR's 0.00 means "no price" and never becomes one.
    A product the app puts on sale (ACTIVE) is never at 0.00 unless a person typed 0.00."""
    out = []
    currency = after.settings.price_currency_used
    for product in after.shopify.values():
        styles = _styles_of((before, after), product)
        typed = _typed_prices(people, product.id, styles)
        from_joor = _joor_prices((before, after), styles, currency) - {ZERO}
        old_product = before.shopify.get(product.id)
        old_prices = {v.id: v.price for v in old_product.variants} if old_product else {}
        zero_by_app = False
        for variant in product.variants:
            old = old_prices.get(variant.id)
            if old == variant.price or f"shopify:{variant.id}" in people.created:
                continue
            if f"shopify:{product.id}" in people.created:
                continue
            slot = (f"shopify:{variant.id}", "price")
            units = _pack_units((before, after), styles, variant.size or "")
            if (
                people.edits.get(slot) == variant.price
                or variant.price in typed
                or variant.price in from_joor
                or (units > 1 and variant.price in {_times(p, units) for p in from_joor})
            ):
                continue
            if any(_as_money(c.resolved_value) == variant.price for c in _pending(before, slot)):
                continue
            if variant.price == ZERO:
                zero_by_app = True
                if old is None and product.status != "ACTIVE":
                    continue  # a placeholder on a product that is not on sale
            out.append(
                f"price of {describe(after, f'shopify:{variant.id}')} became {variant.price}"
                f"{f' (was {old})' if old else ''}: no person typed it and JOOR has no such {currency} price"
            )
        if product.status != "ACTIVE" or ZERO in typed:
            continue
        if not any(v.price == ZERO for v in product.variants):
            continue
        name = describe(after, f"shopify:{product.id}")
        by_people = (
            f"shopify:{product.id}" in people.created or (f"shopify:{product.id}", "status") in people.edits
        )
        if old_product is None and not by_people:
            out.append(f"{name} was created on sale (ACTIVE) at 0.00")
        elif old_product is not None and old_product.status != "ACTIVE" and not by_people:
            out.append(f"{name} was put on sale (ACTIVE) at 0.00 by the app")
        elif zero_by_app:
            out.append(f"{name} is on sale (ACTIVE) and the app set a price to 0.00")
    return out


def drafts_stay_drafts(before: Observed, after: Observed, people: PeopleDid) -> list[str]:
    """Only a person publishes: the app never changes a Shopify product's status, creates products
    in the status the merchant chose for new products (a draft by default), and sends a Shopify
    draft to JOOR only when the merchant asked for drafts to be sent."""
    out = []
    for product in after.shopify.values():
        item = f"shopify:{product.id}"
        old = before.shopify.get(product.id)
        if old is not None and old.status != product.status and (item, "status") not in people.edits:
            out.append(f"{describe(after, item)} was moved from {old.status} to {product.status} by the app")
        if old is None and item not in people.created:
            allowed = {"DRAFT", after.settings.new_product_status}
            if product.status not in allowed:
                out.append(
                    f"{describe(after, item)} was created {product.status}; new products start as "
                    f"{after.settings.new_product_status}"
                )
    if after.settings.sync_shopify_drafts:
        return out
    for style in after.joor.values():
        item = f"joor:{style.id}"
        if style.id in before.joor or item in people.created:
            continue
        link = after.link_of_style(style.id)
        linked = after.shopify.get(link.shopify_product_id) if link else None
        if linked is not None and linked.status == "DRAFT":
            out.append(f"{describe(after, item)} was created in JOOR from the Shopify draft {linked.id}")
    return out


def changes_are_recorded(before: Observed, after: Observed, people: PeopleDid) -> list[str]:
    """Whatever the app changes on a product is an event on that product (its history)."""
    was, now = values(before), values(after)
    changed: set[str] = set()
    for slot in set(was) | set(now):
        if was.get(slot, ABSENT) == now.get(slot, ABSENT):
            continue
        if slot in people.edits and people.edits[slot] == now.get(slot, ABSENT):
            continue
        item = slot[0]
        if item in people.created or _item_product(after if slot in now else before, item) in people.created:
            continue
        changed.add(_item_product(after if slot in now else before, item))
    recorded = {e.link_id for e in after.events if e.id > before.last_event_id() and e.link_id is not None}
    out = []
    for item in sorted(changed):
        link = _link_of_item(after, item)
        if link is None or link.id not in recorded:
            side, _, rest = item.partition(":")
            existed = rest in before.shopify if side == "shopify" else int(rest) in before.joor
            what = "changed" if existed else "created"
            out.append(f"{describe(after, item)} was {what} by the app with no event on that product")
    return out


#: Fields a first comparison may fill when empty but never overwrite.
CATALOG_FIELDS = ("title", "description", "product_type", "tags", "barcode", "sku", "color", "price")


def no_overwrite_without_base(before: Observed, after: Observed, people: PeopleDid) -> list[str]:
    """A pair compared for the first time (linked by hand, or matched with no agreed values yet)
    has its differences held as conflicts: the app fills empty fields but overwrites none, and adds
    or removes no variant, on either side — unless the merchant made the other side the owner of
    that field."""
    was, now = values(before), values(after)
    out = []
    for link in after.links:
        if (
            not link.linked
            or link.shopify_product_id not in before.shopify
            or link.joor_style_id not in before.joor
        ):
            continue
        earlier = next((old for old in before.links if old.id == link.id), None)
        if earlier is not None and earlier.linked and earlier.has_base:
            continue
        product_item, style_item = f"shopify:{link.shopify_product_id}", f"joor:{link.joor_style_id}"
        for slot in sorted(set(was) | set(now)):
            item, name = slot
            owner = _item_product(before if slot in was else after, item)
            if owner not in (product_item, style_item) or item in people.created:
                continue
            if not (name in CATALOG_FIELDS or name.startswith("price ")):
                continue
            group = "prices" if name.startswith("price ") else FIELD_GROUPS[name]
            if after.settings.owner(group) not in ("two-way", "ignore", item.partition(":")[0]):
                continue  # the other side owns it: its value is the merchant's rule
            old, new = was.get(slot, ABSENT), now.get(slot, ABSENT)
            if old == new or (slot in people.edits and people.edits[slot] == new):
                continue
            if old is not ABSENT and new is not ABSENT and is_blank(old):
                continue
            if old is ABSENT:
                what = f"added {describe(after, item)}"
            elif new is ABSENT:
                what = f"removed {describe(before, item)}"
            else:
                what = f"overwrote {name} of {describe(after, item)} ({_show(old)} → {_show(new)})"
            out.append(f"the first comparison of link {link.id} {what}; it has no agreed base to go by")
    return list(dict.fromkeys(out))


# -- the promises once syncs have settled ----------------------------------------------------------


def _mapped_prices(settings: Settings, style: JoorStyle) -> set[str]:
    """The JOOR prices a Shopify price may equal: the chosen field of every price in the chosen
    currency (and label, when one is chosen); a 0.00 retail price means none."""
    field_name = "retail" if settings.price_field == "price_retail" else "wholesale"
    found = set()
    for price in style.prices:
        if price.currency != settings.price_currency_used:
            continue
        if settings.price_label and price.label != settings.price_label:
            continue
        value = getattr(price, field_name)
        if value is not None and not (field_name == "retail" and value == ZERO):
            found.add(value)
    return found


def _pairs(
    link: LinkRow, product: ShopifyProduct, style: JoorStyle
) -> list[tuple[str, ShopifyVariant | None, JoorSku | None]]:
    """Variant key → (Shopify variant, JOOR SKU), paired by the link's variant rows, else by colour
    name (or code) and size."""
    by_id = {vid: variant_key(color, size) for vid, color, size in link.variants}
    skus = {variant_key(s.color_code, s.size): s for s in style.skus}
    by_name: dict[tuple[str | None, str | None], str] = {}
    for sku in style.skus:
        for name in (sku.color_name, sku.color_code, f"{sku.color_name} ({sku.color_code})"):
            by_name.setdefault((name, sku.size), variant_key(sku.color_code, sku.size))
    shopify: dict[str, ShopifyVariant] = {}
    for variant in product.variants:
        key = by_id.get(variant.id) or by_name.get((variant.color, variant.size))
        if key is None or key in shopify:
            key = f"{variant.color}/{variant.size} ({variant.id})"
        shopify[key] = variant
    keys = sorted(set(shopify) | set(skus))
    return [(key, shopify.get(key), skus.get(key)) for key in keys]


def _differences(
    settings: Settings, link: LinkRow, product: ShopifyProduct, style: JoorStyle
) -> list[tuple[str, Any, Any]]:
    """(field path, Shopify's value, JOOR's value) wherever the pair disagrees on a synced field."""
    found: list[tuple[str, Any, Any]] = []

    def compare(path: str, group: str, shopify_value: Any, joor_value: Any) -> None:
        if settings.owner(group) == "ignore":
            return
        if (shopify_value or None) != (joor_value or None):
            found.append((path, shopify_value, joor_value))

    compare("title", "content", product.title, style.name)
    compare("description", "content", product.description, style.description)
    compare("product_type", "content", product.product_type, style.silhouette)
    compare("tags", "content", tuple(sorted(set(product.tags))), tuple(sorted(set(style.tags))))
    mapped = _mapped_prices(settings, style)
    for key, variant, sku in _pairs(link, product, style):
        path = f"variants[{key}]"
        if variant is None or sku is None:
            found.append((path, variant and f"{variant.color} / {variant.size}", sku and sku.color_name))
            continue
        compare(f"{path}.barcode", "identifiers", variant.barcode, sku.upc)
        if variant.color not in (sku.color_name, f"{sku.color_name} ({sku.color_code})"):
            compare(f"{path}.color_name", "identifiers", variant.color, sku.color_name)
        units = dict(style.packs).get(sku.size, 1)
        priced = {_times(p, units) for p in mapped if p is not None} if units > 1 else mapped
        if settings.owner("prices") != "ignore" and variant.price not in priced:
            found.append((f"{path}.price", variant.price, sorted(priced) or "no price"))
        compare(f"{path}.inventory", "inventory", variant.inventory, sku.inventory)
    return found


def _explained(state: Observed, link: LinkRow | None, subjects: set[str], path: str) -> bool:
    """An open conflict or an open problem with a reason covers this field of this product."""
    for conflict in state.conflicts:
        if (
            link is not None
            and conflict.link_id == link.id
            and conflict.status == Conflict.Status.OPEN
            and _same_field(conflict.field_path, path)
        ):
            return True
    for problem in state.problems:
        if not problem.open or not problem.message.strip():
            continue
        if not ((link is not None and problem.link_id == link.id) or problem.subject in subjects):
            continue
        name = path.rpartition(".")[2] if path.startswith("variants[") else path
        if not path or not problem.field_path or _same_field(problem.field_path, path):
            return True
        if problem.field_path in (name, "variants"):
            return True
    return False


def differences_accounted_for(now: Observed) -> list[str]:
    """Once syncs have settled, a linked pair agrees on every field both sides hold, except where a
    conflict waits for a person or a problem says why the field cannot be written. (While the
    merchant syncs one way only, the other way's differences are theirs to keep.)"""
    if now.settings.direction != "both":
        return []
    out = []
    for link in now.links:
        if not link.linked:
            continue
        product, style = now.shopify.get(link.shopify_product_id), now.joor.get(link.joor_style_id or -1)
        if product is None or style is None:
            continue
        subjects = {f"link:{link.id}", f"shopify:{product.id}", f"joor:{style.id}"}
        for path, shopify_value, joor_value in _differences(now.settings, link, product, style):
            if _explained(now, link, subjects, path):
                continue
            out.append(
                f"{path} of {describe(now, f'shopify:{product.id}')} differs from {describe(now, f'joor:{style.id}')}"
                f" (Shopify {_show(shopify_value)}, JOOR {_show(joor_value)}) with no open conflict or problem"
            )
    return out


def unpaired_products_explained(now: Observed) -> list[str]:
    """A product on one side only is listed with a reason (why it was not linked or created)."""
    linked = [link for link in now.links if link.linked]
    paired_products = {link.shopify_product_id for link in linked}
    paired_styles = {link.joor_style_id for link in linked}
    out = []
    for product in now.shopify.values():
        if product.id in paired_products:
            continue
        link = now.link_of_product(product.id)
        if (link is not None and link.note.strip()) or _explained(now, link, {f"shopify:{product.id}"}, ""):
            continue
        out.append(f"{describe(now, f'shopify:{product.id}')} is only in Shopify and nothing says why")
    for style in now.joor.values():
        if style.id in paired_styles:
            continue
        link = now.link_of_style(style.id)
        if (link is not None and link.note.strip()) or _explained(now, link, {f"joor:{style.id}"}, ""):
            continue
        out.append(f"{describe(now, f'joor:{style.id}')} is only in JOOR and nothing says why")
    return out


#: The promises checked after every step, and those checked once syncs have settled.
STEP_CHECKS = (
    no_overwrite_without_base,
    stock_changed_only_by_its_owner,
    nothing_blanked_unless_cleared,
    no_price_invented,
    drafts_stay_drafts,
    changes_are_recorded,
)
STATE_CHECKS = (no_product_duplicated,)
SETTLED_CHECKS = (differences_accounted_for, unpaired_products_explained)
