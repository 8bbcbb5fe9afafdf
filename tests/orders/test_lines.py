"""Lines to variants: UPC first, then JOOR's SKU id, then style/colour/size; holds name the lines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from joorsync.orders.imports import ImportContext, _fulfil_location
from joorsync.orders.joor_documents import Address, OrderLine, WholesaleOrder
from joorsync.orders.lines import Hold, VariantIndex, order_checks, resolve_lines
from joorsync.orders.models import OrderSettings
from joorsync.sync.models import ProductLink, VariantLink
from shopify_app.models import Shop

pytestmark = pytest.mark.django_db
ADDRESS = Address(address_1="1 Pier St", city="Boston", country_code="US")


@pytest.fixture
def index() -> VariantIndex:
    shop = Shop.objects.create(shop_domain="lines.myshopify.com", access_token="x")
    link = ProductLink.objects.create(
        shop=shop,
        shopify_product_id="gid://shopify/Product/1",
        joor_style_id=10,
        style_number="COAT-1",
        shopify_title="Wool Coat",
    )
    VariantLink.objects.create(
        product_link=link,
        color_code="NVY",
        size="M",
        shopify_variant_id="gid://shopify/ProductVariant/11",
        upc="111",
    )
    VariantLink.objects.create(
        product_link=link, color_code="NVY", size="L", shopify_variant_id="22", joor_sku_id="SKU-L"
    )
    VariantLink.objects.create(
        product_link=link, color_code="BLK", size="M", shopify_variant_id="", upc="333"
    )
    other = ProductLink.objects.create(
        shop=shop, status=ProductLink.Status.UNLINKED, joor_style_id=20, style_number="X"
    )
    VariantLink.objects.create(
        product_link=other, color_code="RED", size="S", shopify_variant_id="44", upc="444"
    )
    Shop.objects.create(shop_domain="other.myshopify.com")
    return VariantIndex.for_shop(shop)


def line(position: int, quantity: int = 1, price: str | None = "50.00", **ids: str) -> OrderLine:
    value = Decimal(price) if price is not None else None
    return OrderLine(
        position=position, quantity=quantity, unit_price=value, list_price=value, retail_price=None, **ids
    )


def order(*lines: OrderLine, **fields: object) -> WholesaleOrder:
    values: dict = {
        "order_id": "1",
        "status": "APPROVED",
        "currency": "USD",
        "shipping": ADDRESS,
        "lines": lines,
    }
    values.update(fields)
    return WholesaleOrder(**values)


def test_each_way_of_finding_a_variant(index: VariantIndex) -> None:
    resolved = resolve_lines(
        order(
            line(1, upc="111"),
            line(2, sku_id="SKU-L"),
            line(3, style_id="10", color_code="nvy", size="m"),
            line(4, style_number="coat-1", color_code="NVY", size="L", price="40.00"),
        ),
        index,
    )
    by_variant = {(r.variant.variant_id, r.unit_price): r.quantity for r in resolved.lines}
    assert by_variant == {
        ("gid://shopify/ProductVariant/11", Decimal("50.00")): 2,  # lines 1 and 3 combined
        ("gid://shopify/ProductVariant/22", Decimal("50.00")): 1,
        ("gid://shopify/ProductVariant/22", Decimal("40.00")): 1,  # another price stays its own line
    }
    assert any("combined" in note for note in resolved.notes)


def test_unknown_lines_hold_the_whole_order_and_are_named(index: VariantIndex) -> None:
    with pytest.raises(Hold) as held:
        resolve_lines(
            order(line(1, upc="111"), line(2, upc="333", style_name="Coat"), line(3, upc="444")), index
        )
    assert held.value.code == "UNKNOWN_SKU"
    assert (
        "line 2: Coat" in held.value.message and "UPC 444" in held.value.message
    )  # unlinked product, no variant id
    assert len(held.value.details["lines"]) == 2


def test_zero_lines_are_left_out_but_an_order_of_zeros_is_held(index: VariantIndex) -> None:
    resolved = resolve_lines(order(line(1, upc="111"), line(2, quantity=0, upc="999")), index)
    assert [r.quantity for r in resolved.lines] == [1]
    assert "quantity 0 left out" in resolved.notes[0]
    with pytest.raises(Hold) as held:
        resolve_lines(order(line(1, quantity=0, upc="111")), index)
    assert held.value.code == "NO_UNITS"


def test_a_line_without_price_is_never_priced_by_us(index: VariantIndex) -> None:
    with pytest.raises(Hold) as held:
        resolve_lines(order(line(1, upc="111", price=None)), index)
    assert held.value.code == "NO_PRICE"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"currency": "EUR"}, "CURRENCY"),
        ({"currency": ""}, "NO_CURRENCY"),
        ({"shipping": None}, "NO_ADDRESS"),
        ({"shipping": Address(address_1="1 Pier St")}, "NO_ADDRESS"),
        ({"problems": ("the currency 'X' is not an ISO 4217 code",)}, "UNREADABLE"),
    ],
)
def test_order_level_holds(fields: dict, code: str) -> None:
    with pytest.raises(Hold) as held:
        order_checks(order(**fields), shop_currency="usd")
    assert held.value.code == code


def test_billing_address_stands_in_for_shipping() -> None:
    order_checks(order(shipping=None, billing=ADDRESS), shop_currency="USD")


def test_location_by_warehouse_then_linesheet_then_default() -> None:
    settings = OrderSettings(
        warehouse_locations={"NY": "gid://shopify/Location/1", "FW27 Drop 1": "gid://shopify/Location/2"}
    )
    ctx = ImportContext(
        shopify=None, settings=settings, index=VariantIndex([]), shop_currency="USD", primary_location_id=""
    )  # type: ignore[arg-type]
    assert (
        _fulfil_location(order(warehouse_code="NY", delivery="FW27 Drop 1"), ctx)
        == "gid://shopify/Location/1"
    )
    assert (
        _fulfil_location(order(warehouse_code="LA", delivery="FW27 Drop 1"), ctx)
        == "gid://shopify/Location/2"
    )
    assert _fulfil_location(order(warehouse_code="LA"), ctx) == ""
    settings.default_location_id = "gid://shopify/Location/9"
    assert _fulfil_location(order(), ctx) == "gid://shopify/Location/9"
