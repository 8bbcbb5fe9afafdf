"""The safety contract (`joorsync.sync.invariants`) under random use of both catalogs.

A state machine plays the merchant (Shopify's admin), the brand (JOOR's web UI) and the app's
triggers: edits of every kind on either side, new products on either side (some sharing barcodes
with the other side), settings changes, full / incremental / one-product syncs, conflict
resolutions, links made and undone by hand, and runs with one sandbox failing. After every step the
contract's step checks compare the two catalogs before and after it; `settle` (a rule, and the end
of every run) syncs until nothing changes and checks that every remaining difference is explained.

The fast profile runs in the default suite; the long one (`-m safety_long`) runs under CI. Both are
derandomized, so a run repeats on any machine; when a promise breaks, Hypothesis prints the shortest
sequence of steps it found that breaks it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from joorsync.joor.errors import JoorRateLimited, JoorTransientError
from joorsync.joor.sandbox.faults import FaultConfig as JoorFaults
from joorsync.joor.sandbox.faults import FaultInjector
from joorsync.joor.sandbox.views import effective_prices
from joorsync.sync import invariants
from joorsync.sync.conflicts import ConflictNotOpen, ConflictResolutionInvalid, conflict_resolve
from joorsync.sync.jobs import sync_job_target_for_link
from joorsync.sync.links import LinkRefused, product_link_manual, product_link_unlink
from joorsync.sync.models import Conflict, JoorAccount, ProductLink, SyncJob
from shopify_app.admin.errors import ShopifyThrottled, ShopifyTransientError
from shopify_app.sandbox.faults import FaultConfig as ShopifyFaults
from shopify_app.sandbox.models import Product
from tests.sync.engine_support import World, make_world
from tests.sync.safety_support import COLOR, SIZE, People, observe_world

pytestmark = pytest.mark.django_db

COMMON = {
    "deadline": None,
    "derandomize": True,  # the same sequences on every machine: CI runs are reproducible
    "database": None,  # no example database inside the repository
    "print_blob": False,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}
FAST = settings(max_examples=10, stateful_step_count=15, **COMMON)  # 150 steps, seconds when it holds
LONG = settings(max_examples=200, stateful_step_count=25, **COMMON)  # 5,000 steps, a few minutes
MAX_SHOWN = 6  # breaches listed per failure
SETTLE_RUNS = 4  # full syncs after which an unchanged world is expected
#: What a run may fail with while a sandbox is made to fail: the job fails and is retried later.
FAULT_ERRORS = (JoorTransientError, JoorRateLimited, ShopifyTransientError, ShopifyThrottled)


class ContractBroken(AssertionError):
    """A promise of the safety contract does not hold."""


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


# One exception type per promise, so that each broken promise is found and shrunk on its own.
BROKEN: dict[str, type[ContractBroken]] = {
    check.__name__: type(_camel(check.__name__), (ContractBroken,), {"__doc__": check.__doc__})
    for check in (*invariants.STEP_CHECKS, *invariants.STATE_CHECKS, *invariants.SETTLED_CHECKS)
}


class RunFailed(ContractBroken):
    """A sync run failed with no sandbox failing: an item that cannot be written must be a problem
    of that product, never the failure of the shop's run."""


class DoesNotSettle(ContractBroken):
    """Syncing again and again with nobody editing keeps changing the catalogs or the records."""


# -- what people type -----------------------------------------------------------------------------------


class Repeated(str):
    """A long value that a reproduction prints as `'T' * 101`."""

    def __repr__(self) -> str:
        return f"{self[0]!r} * {len(self)}"


SHOPIFY_TEXT = [
    ("title", "Summer Dress"),
    ("title", "Robe d'été ☀ & Co"),
    ("title", Repeated("T" * 101)),  # over JOOR's 100
    ("title", Repeated("L" * 255)),
    ("description", ""),
    ("description", "   "),
    ("description", "<p>Soft cotton</p>"),
    ("description", Repeated("D" * 501)),  # over JOOR's 500
    ("product_type", ""),
    ("product_type", "Dresses"),
]
JOOR_TEXT = [
    ("style_name", "Renamed in JOOR"),
    ("style_name", Repeated("N" * 100)),
    ("style_description", ""),
    ("style_description", "Written in JOOR"),
    ("style_description", Repeated("d" * 500)),
    ("silhouette", ""),
    ("silhouette", "Boxy"),
]
TAGS = [(), ("summer",), ("summer", "sale"), ("wholesale",)]
PRICES = ["0.00", "19.99", "80.00", "120.50"]
STOCK = [0, 3, 17, 250]
PICK = st.integers(0, 7)
OWNERS = ["two-way", "joor", "shopify", "ignore"]
RESOLUTIONS = ["keep_shopify", "keep_joor", "custom", "clear"]
CUSTOM_TEXT = ["Chosen by a person", "", "  ", Repeated("C" * 101)]


def _pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)] if items else None


class SafetyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.world: World
        self.people: People
        self.last: invariants.Observed
        self.faults = False
        self.healthy = False  # False while a step runs: a failed step skips the final settle

    # -- the frame of every step ----------------------------------------------------------------
    @initialize(
        styles=st.integers(3, 6),
        seed=st.integers(1, 30),
        factor=st.sampled_from([None, "0.5"]),
        first_sync=st.booleans(),
    )
    def start(self, styles: int, seed: int, factor: str | None, first_sync: bool) -> None:
        self.world = make_world(styles=styles, seed=seed, wholesale_factor=factor)
        self.people = People(self.world)
        self.last = observe_world(self.world)
        self.healthy = True
        if first_sync:
            self.step(lambda: self.run(SyncJob.Kind.FULL))

    def step(self, action: Callable[[], Any]) -> None:
        """Do one thing, then check every step promise against the world before and after it."""
        self.healthy = False
        before = self.last
        self.people.begin_step()
        action()
        after = observe_world(self.world)
        self.last = after
        did = self.people.did()
        for check in invariants.STEP_CHECKS:
            self.expect(check.__name__, check(before, after, did))
        for check in invariants.STATE_CHECKS:
            self.expect(check.__name__, check(after))
        self.healthy = True

    def expect(self, name: str, broken: list[str]) -> None:
        if broken:
            self.healthy = False
            shown = broken[:MAX_SHOWN] + (
                [f"… and {len(broken) - MAX_SHOWN} more"] if len(broken) > MAX_SHOWN else []
            )
            raise BROKEN[name]("\n".join(shown))

    def run(self, kind: str, **fields: Any) -> None:
        self.world.account.refresh_from_db()
        try:
            self.world.run(kind, **fields)
        except FAULT_ERRORS:
            if not self.faults:
                raise
        except Exception as exc:
            raise RunFailed(f"{kind} sync failed: {type(exc).__name__}: {exc}") from exc

    def run_queued(self) -> None:
        """What a worker does with the jobs people's actions queued (resolutions, hand links)."""
        shop = self.world.shop
        for job in SyncJob.objects.filter(shop=shop, status=SyncJob.Status.QUEUED).order_by(
            "created_at", "pk"
        ):
            SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.RUNNING)
            job.refresh_from_db()
            try:
                self.world.execute(job)
            except Exception as exc:
                raise RunFailed(f"queued {job.kind} job failed: {type(exc).__name__}: {exc}") from exc
            finally:
                SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)

    def settle_and_check(self) -> None:
        """Sync until nothing changes, then every difference must be synced, held or explained."""
        self.step(self.run_queued)
        for _ in range(SETTLE_RUNS):
            before = self.last
            self.step(lambda: self.run(SyncJob.Kind.FULL))
            if _same(before, self.last):
                break
        else:
            self.healthy = False
            changes = "\n".join(_changes(before, self.last)[:MAX_SHOWN])
            raise DoesNotSettle(
                f"still changing after {SETTLE_RUNS} full syncs with nobody editing:\n{changes}"
            )
        for check in invariants.SETTLED_CHECKS:
            self.expect(check.__name__, check(self.last))

    def teardown(self) -> None:
        try:
            if self.healthy:
                self.settle_and_check()
        finally:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    # -- picking --------------------------------------------------------------------------------
    def products(self) -> list[Product]:
        state = self.world.shopify_sandbox.shop()
        return [state.products[k] for k in sorted(state.products)]

    def product(self, index: int) -> Product | None:
        return _pick(self.products(), index)

    def style_ids(self) -> list[int]:
        return sorted(self.world.joor_sandbox.catalog.styles)

    def style(self, index: int) -> Any:
        style_id = _pick(self.style_ids(), index)
        return self.world.joor_sandbox.catalog.styles[style_id] if style_id is not None else None

    # -- the merchant, in Shopify -------------------------------------------------------------------
    @rule(pick=PICK, edit=st.sampled_from(SHOPIFY_TEXT))
    def merchant_edits_text(self, pick: int, edit: tuple[str, str]) -> None:
        product = self.product(pick)
        if product is None:
            return
        key = {"title": "title", "description": "descriptionHtml", "product_type": "productType"}[edit[0]]
        self.step(lambda: self.people.merchant_update(_gid(product), {key: edit[1]}))

    @rule(pick=PICK, tags=st.sampled_from(TAGS))
    def merchant_edits_tags(self, pick: int, tags: tuple[str, ...]) -> None:
        product = self.product(pick)
        if product is not None:
            self.step(lambda: self.people.merchant_update(_gid(product), {"tags": list(tags)}))

    @rule(pick=PICK, variant=PICK, price=st.sampled_from(PRICES), every_variant=st.booleans())
    def merchant_sets_price(self, pick: int, variant: int, price: str, every_variant: bool) -> None:
        product = self.product(pick)
        if product is None or not product.variants:
            return
        chosen = product.variants if every_variant else [_pick(product.variants, variant)]
        items = [{"id": _variant_gid(v.id), "price": price} for v in chosen]
        self.step(lambda: self.people.merchant_update(_gid(product), {"variants": items}))

    @rule(pick=PICK, variant=PICK, quantity=st.sampled_from(STOCK))
    def merchant_sets_stock(self, pick: int, variant: int, quantity: int) -> None:
        product = self.product(pick)
        if product is None or not product.variants:
            return
        chosen = _pick(product.variants, variant)
        self.step(lambda: self.people.merchant_set_stock(_variant_gid(chosen.id), quantity))

    @rule(pick=PICK, price=st.sampled_from(PRICES[1:]))
    def merchant_adds_variant(self, pick: int, price: str) -> None:
        product = self.product(pick)
        if product is None or not _has_grid(product):
            return
        options = _options(product)
        size = next(s for s in ("XXL", "3XL", "4XL", "5XL", "6XL") if s not in options[SIZE])
        options[SIZE].append(size)
        new = {
            "optionValues": [
                {"optionName": COLOR, "name": options[COLOR][0]},
                {"optionName": SIZE, "name": size},
            ],
            "price": price,
            "barcode": self.people.fresh_barcode(),
            "sku": f"NEW-{self.people.fresh_number()}",
        }
        product_input = {
            "productOptions": _options_input(product, options),
            "variants": [*_variants_input(product), new],
        }
        self.step(lambda: self.people.merchant_set_product(_gid(product), product_input))

    @rule(pick=PICK, variant=PICK)
    def merchant_removes_variant(self, pick: int, variant: int) -> None:
        product = self.product(pick)
        if product is None or len(product.variants) < 2:
            return
        gone = _pick(product.variants, variant)
        kept = [v for v in _variants_input(product) if v["id"] != _variant_gid(gone.id)]
        self.step(lambda: self.people.merchant_set_product(_gid(product), {"variants": kept}))

    @rule(pick=PICK, name=st.sampled_from(["Midnight", "Sable"]))
    def merchant_renames_a_colour(self, pick: int, name: str) -> None:
        product = self.product(pick)
        if product is None or not _has_grid(product):
            return
        options = _options(product)
        old = options[COLOR][0]
        if name in options[COLOR]:
            return
        options[COLOR] = [name if v == old else v for v in options[COLOR]]
        renamed = {COLOR: {old: name}}
        product_input = {
            "productOptions": _options_input(product, options),
            "variants": _variants_input(product, renamed=renamed),
        }
        self.step(lambda: self.people.merchant_set_product(_gid(product), product_input))

    @rule(pick=PICK)
    def merchant_renames_the_colour_option(self, pick: int) -> None:
        product = self.product(pick)
        if product is None or not _has_grid(product):
            return
        options = _options(product)
        product_input = {
            "productOptions": _options_input(product, options, names={COLOR: "Colour"}),
            "variants": _variants_input(product, names={COLOR: "Colour"}),
        }
        self.step(lambda: self.people.merchant_set_product(_gid(product), product_input))

    @rule(
        matching=st.booleans(),
        pick=PICK,
        status=st.sampled_from(["ACTIVE", "DRAFT"]),
        price=st.sampled_from(PRICES[1:]),
    )
    def merchant_creates_product(self, matching: bool, pick: int, status: str, price: str) -> None:
        """A new product; `matching` gives it the barcodes of a JOOR style Shopify does not have yet."""
        if matching:
            taken = {v.barcode for p in self.products() for v in p.variants if v.barcode}
            candidates = [
                s
                for s in (self.world.joor_sandbox.catalog.styles[i] for i in self.style_ids())
                if not any(u.get("upc") in taken for u in s.upcs)
            ]
            style = _pick(candidates, pick)
            if style is None:
                return
            colors = {str(c["color_code"]): str(c["color_name"]) for c in style.colors}
            combos = style.combos()
            upcs = {(u["sku_color_code"], u["sku_size"]): u.get("upc") for u in style.upcs}
            title = f"Merchant's {style.fields.get('style_name')}"[:255]
            grid = [(colors[c], s, upcs.get((c, s)) or "") for c, s in combos]
        else:
            n = self.people.fresh_number()
            title = f"Merchant Tee {n}"
            grid = [(c, s, self.people.fresh_barcode()) for c in ("Sand", "Navy") for s in ("S", "M")]
        product_input = {
            "title": title,
            "status": status,
            "productOptions": [
                {"name": COLOR, "values": [{"name": c} for c in dict.fromkeys(c for c, _, _ in grid)]},
                {"name": SIZE, "values": [{"name": s} for s in dict.fromkeys(s for _, s, _ in grid)]},
            ],
            "variants": [
                {
                    "optionValues": [{"optionName": COLOR, "name": c}, {"optionName": SIZE, "name": s}],
                    "price": price,
                    "barcode": barcode,
                    "sku": f"M-{c}-{s}",
                }
                for c, s, barcode in grid
            ],
        }
        self.step(lambda: self.people.merchant_create(product_input))

    @rule(pick=PICK, status=st.sampled_from(["ACTIVE", "DRAFT"]))
    def merchant_sets_status(self, pick: int, status: str) -> None:
        product = self.product(pick)
        if product is not None:
            self.step(lambda: self.people.merchant_update(_gid(product), {"status": status}))

    # -- the brand, in JOOR ---------------------------------------------------------------------------
    @rule(pick=PICK, edit=st.sampled_from(JOOR_TEXT))
    def brand_edits_text(self, pick: int, edit: tuple[str, str]) -> None:
        style = self.style(pick)
        if style is not None:
            self.step(lambda: self.people.brand_edit(style.style_id, {edit[0]: edit[1]}))

    @rule(pick=PICK, tags=st.sampled_from(TAGS))
    def brand_edits_tags(self, pick: int, tags: tuple[str, ...]) -> None:
        style = self.style(pick)
        if style is None:
            return
        rows = [{"tag_group": "Brand", "tag_name": "Label", "tag_value": t} for t in tags]
        self.step(lambda: self.people.brand_edit(style.style_id, {"tags": rows}))

    @rule(
        pick=PICK, price=st.sampled_from(PRICES), field=st.sampled_from(["price_retail", "price_wholesale"])
    )
    def brand_sets_price(self, pick: int, price: str, field: str) -> None:
        """Every price of the style in the shop's currency (one is added when there is none)."""
        style = self.style(pick)
        if style is None:
            return
        currency = self.world.shopify_sandbox.shop().currency
        rows = _price_rows(self.world, style)
        mine = [r for r in rows if r["price_currency"] == currency]
        for row in mine:
            row[field] = price
        if not mine:
            rows.append(
                {
                    "price_label": f"{currency}-1",
                    "price_currency": currency,
                    "price_wholesale": price,
                    "price_retail": price,
                }
            )
        self.step(lambda: self.people.brand_edit(style.style_id, {"prices": rows}))

    @rule(pick=PICK, sku=PICK, quantity=st.sampled_from(STOCK))
    def brand_sets_stock(self, pick: int, sku: int, quantity: int) -> None:
        style = self.style(pick)
        if style is None or not style.combos():
            return
        color, size = _pick(style.combos(), sku)
        self.step(lambda: self.people.brand_set_stock(style.style_id, color, size, quantity))

    @rule(pick=PICK, change=st.sampled_from(["add size", "remove size", "add colour", "remove colour"]))
    def brand_changes_the_grid(self, pick: int, change: str) -> None:
        style = self.style(pick)
        if style is None:
            return
        colors = [dict(c) for c in style.colors]
        sizes = [dict(s) for s in style.sizes]
        upcs = [dict(u) for u in style.upcs]
        if change == "add size":
            name = next(
                s for s in ("XXL", "3XL", "4XL", "5XL", "6XL") if s not in {x["size_name"] for x in sizes}
            )
            sizes.append({"size_name": name, "size_code": name})
            upcs += [
                {"sku_color_code": c["color_code"], "sku_size": name, "upc": self.people.fresh_barcode()}
                for c in colors
            ]
        elif change == "add colour":
            code = next(c for c in ("OLV", "RST", "SKY", "INK") if c not in {x["color_code"] for x in colors})
            colors.append({"color_name": f"Colour {code}", "color_code": code})
            upcs += [
                {"sku_color_code": code, "sku_size": s["size_name"], "upc": self.people.fresh_barcode()}
                for s in sizes
                if not s.get("size_multiplier")
            ]
        elif change == "remove size" and len(sizes) > 1:
            sizes.pop()
        elif change == "remove colour" and len(colors) > 1:
            colors.pop()
        else:
            return
        changes = {"colors": colors, "sizes": sizes, "upcs": [u for u in upcs if u.get("upc")]}
        self.step(lambda: self.people.brand_edit(style.style_id, changes))

    @rule(pick=PICK, name=st.sampled_from(["Charbon", "Ivoire"]))
    def brand_renames_a_colour(self, pick: int, name: str) -> None:
        style = self.style(pick)
        if style is None or not style.colors:
            return
        colors = [dict(c) for c in style.colors]
        colors[0]["color_name"] = name
        self.step(lambda: self.people.brand_edit(style.style_id, {"colors": colors}))

    @rule(matching=st.booleans(), pick=PICK)
    def brand_creates_style(self, matching: bool, pick: int) -> None:
        """A new style; `matching` gives it the barcodes of a Shopify product JOOR does not have."""
        catalog = self.world.joor_sandbox.catalog
        currency = self.world.shopify_sandbox.shop().currency
        number = f"NEW{self.people.fresh_number()}"
        if matching:
            candidates = [
                p
                for p in self.products()
                if _has_grid(p) and all(v.barcode and catalog.find_upc(v.barcode) is None for v in p.variants)
            ]
            product = _pick(candidates, pick)
            if product is None:
                return
            options = _options(product)
            grid = [
                (dict(v.selected_options)[COLOR], dict(v.selected_options)[SIZE], v.barcode)
                for v in product.variants
            ]
            colors, sizes = options[COLOR], options[SIZE]
            name = f"Brand's {product.title}"[:100]
        else:
            colors, sizes = ["Sand", "Navy"], ["S", "M"]
            grid = [(c, s, self.people.fresh_barcode()) for c in colors for s in sizes]
            name = f"Brand Style {number}"
        style = {
            "style_number": number,
            "style_identifier": number,
            "style_name": name,
            "colors": [{"color_name": c, "color_code": c[:20]} for c in colors],
            "sizes": [{"size_name": s} for s in sizes],
            "prices": [
                {
                    "price_label": f"{currency}-1",
                    "price_currency": currency,
                    "price_wholesale": "40.00",
                    "price_retail": "90.00",
                }
            ],
            "upcs": [
                {"sku_color_code": c[:20], "sku_size": s, "upc": b, "inventory_available": 5}
                for c, s, b in grid
                if b
            ],
        }
        self.step(lambda: self.people.brand_create(style))

    # -- the merchant's settings ------------------------------------------------------------------------
    @rule(
        group=st.sampled_from(["content", "identifiers", "prices", "inventory"]),
        owner=st.sampled_from(OWNERS),
    )
    def merchant_sets_ownership(self, group: str, owner: str) -> None:
        def change() -> None:
            account = JoorAccount.objects.get(pk=self.world.account.pk)
            account.ownership = {**(account.ownership or {}), group: owner}
            account.save(update_fields=["ownership", "updated_at"])

        self.step(change)

    @rule(direction=st.sampled_from(["both", "joor-to-shopify", "shopify-to-joor"]))
    def merchant_sets_direction(self, direction: str) -> None:
        self.step(lambda: JoorAccount.objects.filter(pk=self.world.account.pk).update(direction=direction))

    @rule(status=st.sampled_from(["DRAFT", "ACTIVE"]), drafts=st.booleans())
    def merchant_sets_new_product_rules(self, status: str, drafts: bool) -> None:
        self.step(
            lambda: JoorAccount.objects.filter(pk=self.world.account.pk).update(
                new_product_status=status, sync_shopify_drafts=drafts
            )
        )

    # -- the app's triggers -----------------------------------------------------------------------------
    @rule(kind=st.sampled_from([SyncJob.Kind.FULL, SyncJob.Kind.INCREMENTAL]))
    def sync(self, kind: str) -> None:
        self.step(lambda: self.run(kind))

    @rule(pick=PICK, webhook=st.booleans())
    def sync_one_product(self, pick: int, webhook: bool) -> None:
        """A webhook's one-product sync (by Shopify product), or a job for one link."""
        if webhook:
            product = self.product(pick)
            if product is None:
                return
            target, trigger = {"shopify_product_id": _gid(product)}, SyncJob.Trigger.WEBHOOK
        else:
            link = _pick(list(ProductLink.objects.filter(shop=self.world.shop).order_by("pk")), pick)
            if link is None:
                return
            target, trigger = sync_job_target_for_link(link=link), SyncJob.Trigger.MANUAL
        self.step(lambda: self.run(SyncJob.Kind.TARGETED, target=target, trigger=trigger))

    @rule(
        side=st.sampled_from(["joor", "shopify"]),
        fault=st.sampled_from(["5xx", "429"]),
        rate=st.sampled_from([0.3, 0.6, 1.0]),
        kind=st.sampled_from([SyncJob.Kind.FULL, SyncJob.Kind.INCREMENTAL]),
    )
    def sync_while_a_side_fails(self, side: str, fault: str, rate: float, kind: str) -> None:
        def faulty_run() -> None:
            self.faults = True
            world = self.world
            try:
                if side == "joor":
                    config = JoorFaults(error_5xx=rate) if fault == "5xx" else JoorFaults(rate_429=rate)
                    world.joor_sandbox.faults = FaultInjector(config, seed=7)
                else:
                    world.shopify_sandbox.config.faults = ShopifyFaults(rates={fault: rate}, seed=7)
                self.run(kind)
            finally:
                world.joor_sandbox.faults = FaultInjector(JoorFaults())
                world.shopify_sandbox.config.faults = ShopifyFaults()
                self.faults = False

        self.step(faulty_run)

    @rule()
    def worker_runs_queued_jobs(self) -> None:
        self.step(self.run_queued)

    @rule()
    def settle(self) -> None:
        self.settle_and_check()

    # -- decisions a person makes in the app --------------------------------------------------------------
    @rule(
        pick=PICK,
        resolution=st.sampled_from(RESOLUTIONS),
        text=st.sampled_from(CUSTOM_TEXT),
        price=st.sampled_from(PRICES),
        quantity=st.sampled_from(STOCK),
    )
    def merchant_resolves_conflict(
        self, pick: int, resolution: str, text: str, price: str, quantity: int
    ) -> None:
        conflicts = list(
            Conflict.objects.filter(shop=self.world.shop, status=Conflict.Status.OPEN).order_by("pk")
        )
        conflict = _pick(conflicts, pick)
        if conflict is None:
            return
        path = conflict.field_path
        value: Any = price if path.endswith("price") else quantity if path.endswith("inventory") else text
        if path == "tags":
            value = [text] if text.strip() else []

        def decide() -> None:
            kwargs = {"value": value} if resolution == "custom" else {}
            try:
                conflict_resolve(
                    conflict=conflict, resolution=resolution, user="merchant@example.com", **kwargs
                )
            except (ConflictResolutionInvalid, ConflictNotOpen):
                return  # refused (an empty "use this value", an unknown choice): nothing is decided
            if resolution == "custom" and path.endswith("price"):
                link = conflict.link
                self.people.prices[f"shopify:{link.shopify_product_id}"].add(price)
                self.people.prices[f"joor:{link.joor_style_id}"].add(price)

        self.step(decide)

    @rule(product=PICK, style=PICK)
    def merchant_links_by_hand(self, product: int, style: int) -> None:
        shop = self.world.shop
        linked = ProductLink.objects.filter(shop=shop, status=ProductLink.Status.LINKED)
        taken_products = set(linked.values_list("shopify_product_id", flat=True))
        taken_styles = set(linked.values_list("joor_style_id", flat=True))
        chosen = _pick([p for p in self.products() if _gid(p) not in taken_products], product)
        style_id = _pick([s for s in self.style_ids() if s not in taken_styles], style)
        if chosen is None or style_id is None:
            return

        def link() -> None:
            try:
                product_link_manual(
                    shop=shop, shopify_product_id=_gid(chosen), joor_style_id=style_id, user="merchant"
                )
            except LinkRefused:
                return

        self.step(link)

    @rule(pick=PICK)
    def merchant_unlinks(self, pick: int) -> None:
        links = list(
            ProductLink.objects.filter(shop=self.world.shop, status=ProductLink.Status.LINKED).order_by("pk")
        )
        link = _pick(links, pick)
        if link is not None:
            self.step(lambda: product_link_unlink(link=link, user="merchant"))


# -- Shopify input builders ---------------------------------------------------------------------------------


def _gid(product: Product) -> str:
    return f"gid://shopify/Product/{product.id}"


def _variant_gid(variant_id: int) -> str:
    return f"gid://shopify/ProductVariant/{variant_id}"


def _has_grid(product: Product) -> bool:
    return {o.name for o in product.options} == {COLOR, SIZE}


def _options(product: Product) -> dict[str, list[str]]:
    return {o.name: [v.name for v in o.values] for o in product.options}


def _options_input(
    product: Product, options: dict[str, list[str]], *, names: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    by_name = {o.name: o for o in product.options}
    return [
        {
            "id": f"gid://shopify/ProductOption/{by_name[name].id}",
            "name": (names or {}).get(name, name),
            "values": [{"name": v} for v in option_values],
        }
        for name, option_values in options.items()
    ]


def _variants_input(
    product: Product,
    *,
    renamed: dict[str, dict[str, str]] | None = None,
    names: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    out = []
    for variant in product.variants:
        values = []
        for option, value in variant.selected_options:
            value = (renamed or {}).get(option, {}).get(value, value)
            values.append({"optionName": (names or {}).get(option, option), "name": value})
        out.append({"id": _variant_gid(variant.id), "optionValues": values})
    return out


def _price_rows(world: World, style: Any) -> list[dict[str, Any]]:
    catalog = world.joor_sandbox.catalog
    rows = []
    for price in effective_prices(catalog, style):
        kind = catalog.price_types[price.price_type_id]
        rows.append(
            {
                "price_label": kind.name,
                "price_currency": kind.currency_code,
                "price_wholesale": str(price.wholesale) if price.wholesale is not None else None,
                "price_retail": str(price.retail) if price.retail is not None else None,
            }
        )
    return rows


def _changes(a: invariants.Observed, b: invariants.Observed) -> list[str]:
    """What one full sync changed: values by slot, then the app's records."""
    was, now = invariants.values(a), invariants.values(b)
    out = [
        f"{slot[1]} of {invariants.describe(b if slot in now else a, slot[0])}: "
        f"{was.get(slot, invariants.ABSENT)!r} → {now.get(slot, invariants.ABSENT)!r}"
        for slot in sorted(set(was) | set(now))
        if was.get(slot, invariants.ABSENT) != now.get(slot, invariants.ABSENT)
    ]
    for name in ("links", "conflicts", "problems"):
        old, new = getattr(a, name), getattr(b, name)
        out += [f"{name}: gone {row}" for row in old if row not in new]
        out += [f"{name}: new {row}" for row in new if row not in old]
    return out


def _same(a: invariants.Observed, b: invariants.Observed) -> bool:
    """The same catalogs and records (events aside: a run may always log; a problem may be worded
    anew each time, e.g. with the log id of JOOR's answer)."""

    def records(state: invariants.Observed) -> tuple[Any, ...]:
        problems = [(p.link_id, p.subject, p.field_path, p.code, p.open) for p in state.problems]
        return state.shopify, state.joor, state.links, state.conflicts, problems

    return records(a) == records(b)


# -- the tests --------------------------------------------------------------------------------------------


def test_the_safety_contract_holds_under_random_use() -> None:
    run_state_machine_as_test(SafetyMachine, settings=FAST)


class LongSafetyMachine(SafetyMachine):
    """The same machine under another name, so that the long run draws other sequences than the
    fast one."""


@pytest.mark.safety_long
def test_the_safety_contract_holds_under_long_random_use() -> None:
    run_state_machine_as_test(LongSafetyMachine, settings=LONG)
