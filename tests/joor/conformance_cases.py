"""What real, public JOOR clients written by other people send to JOOR and read back: one entry per
distinct request. Pure data (no tests); the sources and the discussion are in
docs/joor-api/clients.md.

Conventions
- `path` is the path and query string as the client sends it, without scheme and host (`host` has
  the host the client targets). The account id is deployment configuration in every client; it is
  written here as the sandbox's default account, "1001" (each note gives the client's own source
  of it).
- Credentials and v2 tokens are configuration too; they are written as the sandbox's defaults
  (joorsync/joor/sandbox/defaults.py), in the form the client builds (e.g. base64 where it encodes).
- `{name}` placeholders stand only for values the client takes from an earlier answer;
  `placeholders` says from which case and field. `{access_token}` is always `access_token` of the
  client's auth case.
- `body` is the exact value the client sends: a Python list/dict for JSON bodies (serialized
  compactly by the clients: axios/JSON.stringify, PHP json_encode), `bytes` where the client
  sends a pre-built string (forms, or JSON built by string concatenation), None when there is no body.
- `reads` lists the answer fields the client uses, as dotted paths; `*` means "every element",
  a number means that index only. `(status)` is the HTTP status, `(ok)` means 2xx.
- Bodies built from data (product names, prices...) use one concrete example; the note says
  where the example values come from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ACCOUNT = "1001"
V4_HOST = "apisandbox.jooraccess.com"
AUTH_HOST = "atlas-sandbox.jooraccess.com"

ZUMZIE = "zumzie/Shopify-JOOR-API-Integration"
ZUMZIE_HEAD = "8e4f1a6 (HEAD)"
ZUMZIE_FLOW = "0cd043c"  # the last main.js that calls JOOR (replaced by a Shopify-only main.js in 8b0367e)
VIVEREN = "ShifatERasulbd/viveren"
VIVEREN_A = "0d78ee8356921b56b2e4592664c30ae48fa12c92"
VIVEREN_B = "a later version without a recorded commit (46,096 characters)"
VIVEREN_CONFIG = "03d698562c61a55bf699f17eccd2bc9ed93de58c"
SONIC = "thanhchi4695-afk/sonicinvoice"
SONIC_HEAD = "8beb134 (HEAD of the snapshot)"
CSHARP = "a public repository whose name is not recorded (C# RestSharp console app `ConsoleApp1`)"


@dataclass(frozen=True, slots=True)
class Source:
    repo: str
    path: str
    lines: str
    version: str


@dataclass(frozen=True, slots=True)
class ConformanceCase:
    id: str
    client: str
    source: tuple[Source, ...]
    method: str
    host: str
    path: str
    headers: Mapping[str, str]
    body: Any
    reads: tuple[str, ...]
    notes: str
    placeholders: Mapping[str, str] = field(default_factory=dict)


# -- headers as each client builds them --------------------------------------------------------------

ZUMZIE_V4_GET = {"Accept": "application/json", "Authorization": "Bearer {access_token}"}
ZUMZIE_V4_POST = {**ZUMZIE_V4_GET, "Content-Type": "application/json"}
VIVEREN_V4 = {  # Laravel Http::acceptJson()->asJson()->withToken(): Content-Type is sent on GETs too
    "Accept": "application/json",
    "Content-Type": "application/json",
    "Authorization": "Bearer {access_token}",
}
SONIC_V2 = {  # `OAuth2 ${btoa(token)}`; token "sandbox-token" -> base64 "c2FuZGJveC10b2tlbg=="
    "Authorization": "OAuth2 c2FuZGJveC10b2tlbg==",
    "Accept": "application/json",
    "Content-Type": "application/json",
}
CSHARP_V4 = {"Accept": "application/json", "Authorization": "{access_token}"}  # no scheme at all

AUTH_FORM = (
    b"client_id=sandbox-client&grant_type=password&client_secret=sandbox-client-secret"
    b"&username=brand%40example.com&password=sandbox-password"
)

# zumzie: the repo's fixture src/test_folder/shopify_prod.json, first product (id 1072481060, one
# variant 1070325040, option "Title"/"Default Title", barcode 1234567890, sku MCT-001, price 25.00).
ZUMZIE_TRAITS_SINGLE = [
    {"trait_name": "Color", "value": "Unique Color", "external_id": "Unique Color", "order_nbr": 1},
    {"trait_name": "Size", "value": "Unique Size", "external_id": "Unique Size", "order_nbr": 1},
]
ZUMZIE_IDENTIFIERS = [{"type": "upc", "value": "1234567890::1070325040"}]


def _zumzie(path: str, lines: str, version: str = ZUMZIE_HEAD) -> Source:
    return Source(ZUMZIE, path, lines, version)


def _viv(lines_a: str, lines_b: str) -> tuple[Source, ...]:
    return (
        Source(VIVEREN, "app/Services/JoorService.php", lines_a, VIVEREN_A),
        Source(VIVEREN, "app/Services/JoorService.php", lines_b, VIVEREN_B),
    )


CASES: list[ConformanceCase] = [
    # ---------------------------------------------------------------- zumzie (Node, axios 1.7.2)
    ConformanceCase(
        id="zumzie-auth",
        client="zumzie",
        source=(
            _zumzie("src/joor.js", "9-12, 19-38"),
            _zumzie("src/main.js", "136-142, 161-162, 177", ZUMZIE_FLOW),
        ),
        method="POST",
        host=AUTH_HOST,
        path="/auth",
        headers={
            "Accept": "application/json, text/plain, */*",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=AUTH_FORM,
        reads=("(status)", "access_token"),
        notes=(
            "URLSearchParams of authData in insertion order client_id, grant_type, client_secret, username,"
            " password. Token taken only when status === 200; no refresh_token use, no expiry handling. Sent"
            " 3 times per run: each v4 JoorBase constructor fires authenticate() without awaiting it"
            " (JoorProducts and JoorCollections), then main awaits joorProducts.authenticate() again; the"
            " un-awaited answer may overwrite the awaited token (race seen in the Node run). Accept is"
            " axios's default (joor.js sets no Accept here)."
        ),
    ),
    ConformanceCase(
        id="zumzie-products-get",
        client="zumzie",
        source=(
            _zumzie("src/joor.js", "40-67, 72-74"),
            _zumzie("src/main.js", "178-186, 221-243", ZUMZIE_FLOW),
            _zumzie("src/mapper/products.js", "127-131"),
        ),
        method="GET",
        host=V4_HOST,
        path=f"/v4/products?account={ACCOUNT}",
        headers=ZUMZIE_V4_GET,
        body=None,
        reads=("data.*.product_identifier", "data.*.id"),
        notes=(
            "Account from config.tokens.account_id. One request, no page/page_size, meta never read: only"
            " the first page is compared. A Shopify product is 'existing' when str(shopify id) equals a"
            " product_identifier. Any non-2xx makes axios throw; the caller's catch logs e.code and"
            " abandons the store's run (main.js@0cd043c:309-312). No 429/Retry-After handling anywhere."
        ),
    ),
    ConformanceCase(
        id="zumzie-products-bulk-create",
        client="zumzie",
        source=(
            _zumzie("src/joor.js", "83-85"),
            _zumzie("src/mapper/products.js", "53-112"),
            _zumzie("src/main.js", "276-281", ZUMZIE_FLOW),
        ),
        method="POST",
        host=V4_HOST,
        path=f"/v4/products/bulk_create?account={ACCOUNT}",
        headers=ZUMZIE_V4_POST,
        body=[
            {
                "name": "Men's Classic T-Shirt",
                "external_id": "1072481060",
                "product_identifier": "1072481060",
                "description": "Comfortable and stylish!",
                "order_minimum": 0,
            }
        ],
        reads=("data.*.product_identifier", "data.*.id"),
        notes=(
            "All new products of the run in ONE array (no 100-item chunking). name = eval(eval_style_name)"
            " = Shopify title; external_id = eval(eval_style_number) = str(Shopify product id);"
            " product_identifier = str(Shopify product id); description = body_html with tags stripped;"
            " order_minimum always the number 0. The answer's `errors` is never looked at: SKUs are built"
            " only for products found in `data` by product_identifier."
        ),
    ),
    ConformanceCase(
        id="zumzie-skus-bulk-create",
        client="zumzie",
        source=(
            _zumzie("src/joor.js", "91-108"),
            _zumzie("src/mapper/products.js", "214-315"),
            _zumzie("src/main.js", "283-286", ZUMZIE_FLOW),
        ),
        method="POST",
        host=V4_HOST,
        path=f"/v4/skus/bulk_create?account={ACCOUNT}",
        headers=ZUMZIE_V4_POST,
        body=[
            {
                "product_id": "{product_id}",
                "external_id": "1070325040",
                "sku_identifier": "MCT-001",
                "trait_values": ZUMZIE_TRAITS_SINGLE,
                "identifiers": ZUMZIE_IDENTIFIERS,
            }
        ],
        reads=("data", "data.*.id", "data.*.sku_identifier"),
        placeholders={
            "product_id": "data.*.id of zumzie-products-bulk-create (matched by product_identifier)"
        },
        notes=(
            "One request per product (all its variants). trait_name (not trait_id) 'Color'/'Size'; a product"
            " without a Color (Size) option gets the literal 'Unique Color' ('Unique Size') as value and"
            " external_id; order_nbr = 1-based position in the Shopify option values. identifiers type is"
            " lower-case 'upc' and the value is '<barcode>::<variant id>' (just '::<id>' without barcode)."
            " external_id = variant id, sku_identifier = variant sku or variant id. The whole `data` array is"
            " stored per Shopify product id; `errors` is ignored; an HTTP error is logged and skipped."
        ),
    ),
    ConformanceCase(
        id="zumzie-skus-bulk-create-color-size",
        client="zumzie",
        source=(_zumzie("src/mapper/products.js", "15-50, 271-296"),),
        method="POST",
        host=V4_HOST,
        path=f"/v4/skus/bulk_create?account={ACCOUNT}",
        headers=ZUMZIE_V4_POST,
        body=[
            {
                "product_id": "{product_id}",
                "external_id": "9100000001",
                "sku_identifier": "SYN-RED-S",
                "trait_values": [
                    {"trait_name": "Color", "value": "Red", "external_id": "Red", "order_nbr": 1},
                    {"trait_name": "Size", "value": "S", "external_id": "S", "order_nbr": 1},
                ],
                "identifiers": [{"type": "upc", "value": "0001112223334::9100000001"}],
            },
            {
                "product_id": "{product_id}",
                "external_id": "9100000002",
                "sku_identifier": "SYN-RED-M",
                "trait_values": [
                    {"trait_name": "Color", "value": "Red", "external_id": "Red", "order_nbr": 1},
                    {"trait_name": "Size", "value": "M", "external_id": "M", "order_nbr": 2},
                ],
                "identifiers": [{"type": "upc", "value": "0001112223335::9100000002"}],
            },
            {
                "product_id": "{product_id}",
                "external_id": "9100000003",
                "sku_identifier": "SYN-BLU-S",
                "trait_values": [
                    {"trait_name": "Color", "value": "Blue", "external_id": "Blue", "order_nbr": 2},
                    {"trait_name": "Size", "value": "S", "external_id": "S", "order_nbr": 1},
                ],
                "identifiers": [{"type": "upc", "value": "::9100000003"}],
            },
            {
                "product_id": "{product_id}",
                "external_id": "9100000004",
                "sku_identifier": "9100000004",
                "trait_values": [
                    {"trait_name": "Color", "value": "Blue", "external_id": "Blue", "order_nbr": 2},
                    {"trait_name": "Size", "value": "M", "external_id": "M", "order_nbr": 2},
                ],
                "identifiers": [{"type": "upc", "value": "0001112223337::9100000004"}],
            },
        ],
        reads=("data", "data.*.id", "data.*.sku_identifier"),
        placeholders={"product_id": "data.*.id of zumzie-products-bulk-create"},
        notes=(
            "Same request as zumzie-skus-bulk-create for a Shopify product with Color and Size options"
            " (2 x 2). The Shopify input is synthetic (not in the repo); the body is what the unchanged"
            " mapper produced for it in the Node run. A variant with barcode null gets the value"
            " '::<id>' (eval_upc yields ''); a variant with an empty sku gets its id as sku_identifier."
        ),
    ),
    ConformanceCase(
        id="zumzie-prices-bulk-create",
        client="zumzie",
        source=(
            _zumzie("src/joor.js", "130-132"),
            _zumzie("src/mapper/products.js", "317-387"),
            _zumzie("src/main.js", "289-293", ZUMZIE_FLOW),
        ),
        method="POST",
        host=V4_HOST,
        path=f"/v4/prices/bulk_create?account={ACCOUNT}",
        headers=ZUMZIE_V4_POST,
        body=[
            {
                "sku_id": "{sku_id}",
                "price_type_name": "USD",
                "price_type_currency_code": "USD",
                "wholesale_value": "25.00",
                "retail_value": "25.00",
            }
        ],
        reads=(),
        placeholders={"sku_id": "data.*.id of zumzie-skus-bulk-create (matched by sku_identifier)"},
        notes=(
            "No price_type_id: the price type is named by price_type_name (hard-coded 'USD') and"
            " price_type_currency_code ('USD'). Values are strings (Shopify variant price .toString());"
            " retail = wholesale by default config. The answer is not read."
        ),
    ),
    ConformanceCase(
        id="zumzie-prices-bulk-create-empty",
        client="zumzie",
        source=(_zumzie("src/joor.js", "48-50, 130-132"), _zumzie("src/main.js", "291-293", ZUMZIE_FLOW)),
        method="POST",
        host=V4_HOST,
        path=f"/v4/prices/bulk_create?account={ACCOUNT}",
        headers=ZUMZIE_V4_POST,
        body=[],
        reads=(),
        notes=(
            "Sent whenever no SKU was created (mapPrices returns []): the client posts the empty array"
            " unconditionally ([] is truthy, so Content-Type is still set). Seen in the Node run."
        ),
    ),
    ConformanceCase(
        id="zumzie-v2-bulk-inventory",
        client="zumzie",
        source=(
            _zumzie("src/joor.js", "4-8, 15-17, 40-67, 133-140"),
            _zumzie("src/mapper/products.js", "406-433"),
            _zumzie("src/main.js", "127, 163, 295-296", ZUMZIE_FLOW),
        ),
        method="POST",
        host=V4_HOST,
        path="/v2/bulk-inventory",
        headers={
            "Authorization": "Bearer c2FuZGJveC10b2tlbg==",
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
        body={
            "inventory_items": [
                {
                    "warehouse": "Default",
                    "inventory_date": "IMMEDIATE",
                    "upc": "1234567890::1070325040",
                    "inventory": 100,
                }
            ]
        },
        reads=(),
        notes=(
            "v2 on the v4 host (https://apisandbox.jooraccess.com/v2). Auth header is 'Bearer ' + base64 of"
            " the v2 token (config.tokens.apiV2), not JOOR's documented 'OAuth2 <base64>'. inventory_items is"
            " a bare list (no inventory_item wrapper); inventory is Shopify inventory_quantity (an integer,"
            " may be negative); inventory_date is the literal 'IMMEDIATE'; upc is the same"
            " '<barcode>::<variant id>' string used as the SKU identifier. No overwrite/dec_pending. All"
            " variants of all new products in one request. The answer is not read."
        ),
    ),
    ConformanceCase(
        id="zumzie-products-bulk-update",
        client="zumzie",
        source=(
            _zumzie("src/joor.js", "87-89"),
            _zumzie("src/mapper/products.js", "114-145"),
            _zumzie("src/main.js", "262-273", ZUMZIE_FLOW),
        ),
        method="POST",
        host=V4_HOST,
        path=f"/v4/products/bulk_update?account={ACCOUNT}",
        headers=ZUMZIE_V4_POST,
        body=[
            {"id": "{product_id}", "name": "Men's Classic T-Shirt", "description": "Comfortable and stylish!"}
        ],
        reads=(),
        placeholders={"product_id": "data.*.id of zumzie-products-get (matched by product_identifier)"},
        notes="All existing products in one array; only id, name, description. The answer is not read.",
    ),
    ConformanceCase(
        id="zumzie-skus-bulk-update-by-external-id",
        client="zumzie",
        source=(
            _zumzie("src/joor.js", "110-128"),
            _zumzie("src/mapper/products.js", "147-212"),
            _zumzie("src/main.js", "268, 274", ZUMZIE_FLOW),
        ),
        method="POST",
        host=V4_HOST,
        path=f"/v4/skus/bulk_update_by_external_id?account={ACCOUNT}",
        headers=ZUMZIE_V4_POST,
        body=[
            {
                "external_id": "1070325040",
                "sku_identifier": "MCT-001",
                "trait_values": ZUMZIE_TRAITS_SINGLE,
                "identifiers": ZUMZIE_IDENTIFIERS,
            }
        ],
        reads=("data",),
        notes=(
            "An endpoint JOOR's docs do not list (documented: /v4/skus/bulk_update keyed by `id`). SKUs are"
            " named only by external_id (the Shopify variant id); no id, no product_id. One request per"
            " product; an HTTP error is logged and skipped."
        ),
    ),
    ConformanceCase(
        id="zumzie-skus-get",
        client="zumzie",
        source=(_zumzie("src/joor.js", "75-77"),),
        method="GET",
        host=V4_HOST,
        path=f"/v4/skus?account={ACCOUNT}",
        headers=ZUMZIE_V4_GET,
        body=None,
        reads=("(ok)",),
        notes="Defined, not called by any main.js. No product_ids / sku_ids filter, no paging.",
    ),
    ConformanceCase(
        id="zumzie-price-types-get",
        client="zumzie",
        source=(_zumzie("src/joor.js", "79-81"), _zumzie("src/main.js", "413", ZUMZIE_FLOW)),
        method="GET",
        host=V4_HOST,
        path=f"/v4/price_types?account={ACCOUNT}",
        headers=ZUMZIE_V4_GET,
        body=None,
        reads=("(ok)",),
        notes="Only called from commented-out code; its answer is never used to pick a price type.",
    ),
    ConformanceCase(
        id="zumzie-collections-get",
        client="zumzie",
        source=(_zumzie("src/joor.js", "153-155"),),
        method="GET",
        host=V4_HOST,
        path=f"/v4/collections?account={ACCOUNT}",
        headers=ZUMZIE_V4_GET,
        body=None,
        reads=("(ok)",),
        notes="Defined on JoorCollections, not called. createCollections/updateCollections are empty stubs.",
    ),
    # ---------------------------------------------------------------- viveren (PHP, Laravel Http)
    ConformanceCase(
        id="viveren-auth",
        client="viveren",
        source=(
            *_viv("293-373, 958-963", "537-617, 1275-1280"),
            Source(VIVEREN, "config/services.php", "83-105", VIVEREN_CONFIG),
        ),
        method="POST",
        host=AUTH_HOST,
        path="/auth/",
        headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
        body=AUTH_FORM,
        reads=("(ok)", "access_token"),
        notes=(
            "auth_base_url + '/' + ltrim(auth_endpoint '/auth/') -> '/auth/' with the trailing slash."
            " Fields client_id, grant_type=password, client_secret, username, password. Sent before EVERY API"
            " request when the four credentials are configured (request() -> resolveAccessToken() ->"
            " authenticate()); no caching, no refresh. A failed answer throws 'JOOR auth failed: <status>"
            " <body>'; a missing access_token throws. Alternative: a static JOOR_API_TOKEN sent as"
            " 'Bearer <token>' (or as is when it already starts with 'bearer ')."
        ),
    ),
    ConformanceCase(
        id="viveren-categories-get",
        client="viveren",
        source=_viv("650-671, 756-818", "954-975, 1060-1122"),
        method="GET",
        host=V4_HOST,
        path=f"/v4/categories?account={ACCOUNT}",
        headers=VIVEREN_V4,
        body=None,
        reads=("data", "data.*.name", "data.*.id", "data.*.department"),
        notes=(
            "Once per service instance (cached), only when the product has local category names. Exact,"
            " case/space-insensitive name match; `department` (WOMEN/MEN/GIRLS/BOYS/UNISEX/BABY_GIRLS/"
            "BABY_BOYS) breaks ties; the id must be a JSON string. `user_id` is appended to every query when"
            " JOOR_USER_ID is configured (not here). No paging: first page only."
        ),
    ),
    ConformanceCase(
        id="viveren-products-bulk-create",
        client="viveren",
        source=_viv("20-84, 376-394, 862-880", "20-98, 620-671, 1166-1184"),
        method="POST",
        host=V4_HOST,
        path=f"/v4/products/bulk_create?account={ACCOUNT}",
        headers=VIVEREN_V4,
        body=[
            {
                "name": "Linen Shirt",
                "external_id": "VV-100",
                "product_identifier": "VV-100",
                "description": "Soft linen shirt.",
                "order_minimum": 0,
                "category_ids": ["{category_id}"],
            }
        ],
        reads=("(ok)", "errors", "errors.*.status", "data.0.id"),
        placeholders={"category_id": "data.*.id of viveren-categories-get (matched by name)"},
        notes=(
            "One product per request. external_id and product_identifier are both the local SKU code;"
            " category_ids only when a category matched (omitted otherwise). Version B folds fabric & care"
            " and composition into description as plain text; description may be JSON null. Any"
            " errors[].status == 'DUPLICATED' (case-insensitive) triggers viveren-products-bulk-update with"
            " the SAME payload. Success needs 2xx, an empty errors array and a scalar data.0.id."
        ),
    ),
    ConformanceCase(
        id="viveren-products-bulk-update-after-duplicated",
        client="viveren",
        source=_viv("46-52", "46-52"),
        method="POST",
        host=V4_HOST,
        path=f"/v4/products/bulk_update?account={ACCOUNT}",
        headers=VIVEREN_V4,
        body=[
            {
                "name": "Linen Shirt",
                "external_id": "VV-100",
                "product_identifier": "VV-100",
                "description": "Soft linen shirt.",
                "order_minimum": 0,
            }
        ],
        reads=("(ok)", "errors", "data.0.id"),
        notes=(
            "The create payload re-sent unchanged: NO `id` (JOOR documents `id` as required for update) and"
            " `external_id` (not in JOOR's update field list). details.product_id of the DUPLICATED error is"
            " not used. The client expects data.0.id back to continue with SKUs."
        ),
    ),
    ConformanceCase(
        id="viveren-skus-bulk-create",
        client="viveren",
        source=_viv("396-446, 586-648", "673-723, 863-934, 943-952"),
        method="POST",
        host=V4_HOST,
        path=f"/v4/skus/bulk_create?account={ACCOUNT}",
        headers=VIVEREN_V4,
        body=[
            {
                "product_id": "{product_id}",
                "external_id": "VV-100-BLACK-S",
                "sku_identifier": "VV-100-BLACK-S",
                "trait_values": [
                    {"trait_id": "U0tVVHJhaXQ6U3R5bGVDb2xvcg==", "value": "Black", "external_id": "000000"},
                    {"trait_id": "U0tVVHJhaXQ6U2l6ZQ==", "value": "S", "external_id": "S"},
                ],
            },
            {
                "product_id": "{product_id}",
                "external_id": "VV-100-BLACK-M",
                "sku_identifier": "VV-100-BLACK-M",
                "trait_values": [
                    {"trait_id": "U0tVVHJhaXQ6U3R5bGVDb2xvcg==", "value": "Black", "external_id": "000000"},
                    {"trait_id": "U0tVVHJhaXQ6U2l6ZQ==", "value": "M", "external_id": "M"},
                ],
            },
        ],
        reads=("(ok)", "errors", "data.*.id"),
        placeholders={"product_id": "data.0.id of viveren-products-bulk-create (or of the bulk_update)"},
        notes=(
            "Every local color x every size (default size 'One Size' when none) in ONE request: the full grid."
            " trait_id values are the documented Color/Size ids (configurable). Version B (shown) adds"
            " trait external_id: the color's hex without '#', upper-case (else a slug of the name, max 100),"
            " and the size slug (max 25); version A sends only trait_id + value. No identifiers. Any error"
            " fails the SKU step; prices are synced for the ids in data."
        ),
    ),
    ConformanceCase(
        id="viveren-price-types-get",
        client="viveren",
        source=_viv("572-584", "849-861"),
        method="GET",
        host=V4_HOST,
        path=f"/v4/price_types?account={ACCOUNT}",
        headers=VIVEREN_V4,
        body=None,
        reads=("data.0.id",),
        notes="Skipped when JOOR price_type_id is configured. Takes the FIRST price type, whatever its currency.",
    ),
    ConformanceCase(
        id="viveren-prices-bulk-create",
        client="viveren",
        source=_viv("448-526", "725-803"),
        method="POST",
        host=V4_HOST,
        path=f"/v4/prices/bulk_create?account={ACCOUNT}",
        headers=VIVEREN_V4,
        body=[
            {
                "sku_id": "{sku_id}",
                "wholesale_value": "49.50",
                "retail_value": "49.50",
                "price_type_id": "{price_type_id}",
            }
        ],
        reads=("(ok)", "errors.*.status", "errors.*.details.sku_id"),
        placeholders={
            "sku_id": "data.*.id of viveren-skus-bulk-create (one item per SKU id)",
            "price_type_id": "data.0.id of viveren-price-types-get",
        },
        notes=(
            "Values are strings number_format(price, 2, '.', ''); retail = wholesale (the one local price)."
            " Errors with status DUPLICATED are not blocking: their details.sku_id are collected and updated"
            " via viveren-prices-get + viveren-prices-bulk-update; any other error fails."
        ),
    ),
    ConformanceCase(
        id="viveren-prices-get",
        client="viveren",
        source=_viv("528-539", "805-816"),
        method="GET",
        host=V4_HOST,
        path=f"/v4/prices?account={ACCOUNT}&sku_ids={{sku_id}}",
        headers=VIVEREN_V4,
        body=None,
        reads=("data.0.id",),
        placeholders={"sku_id": "errors.*.details.sku_id of viveren-prices-bulk-create (DUPLICATED)"},
        notes=(
            "One GET per duplicated SKU (http_build_query encodes '=' in opaque ids as %3D). Reads the price"
            " id, which JOOR's create-prices answer example carries ('id': 'price_id_333'); no price-type"
            " filter: the first price of the SKU is taken."
        ),
    ),
    ConformanceCase(
        id="viveren-prices-bulk-update",
        client="viveren",
        source=_viv("541-570", "818-847"),
        method="POST",
        host=V4_HOST,
        path=f"/v4/prices/bulk_update?account={ACCOUNT}",
        headers=VIVEREN_V4,
        body=[{"id": "{price_id}", "wholesale_value": "49.50", "retail_value": "49.50"}],
        reads=("(ok)", "errors"),
        placeholders={"price_id": "data.0.id of viveren-prices-get"},
        notes="Keyed by price `id` only (no sku_id, no price_type_id), as JOOR's docs describe UPDATE /prices.",
    ),
    ConformanceCase(
        id="viveren-assets-products",
        client="viveren",
        source=_viv("179-235, 279-291", "218-274, 407-491, 523-535"),
        method="POST",
        host=V4_HOST,
        path=f"/v4/assets/products?account={ACCOUNT}&replace_all=true",
        headers=VIVEREN_V4,
        body=[
            {
                "product": {"id": "{product_id}"},
                "asset": {
                    "type": "image",
                    "filename": "VV-100-1.jpg",
                    "source_url": "https://shop.example.com/uploads/products/vv-100.jpg",
                },
                "display_order": 0,
            },
            {
                "product": {"id": "{product_id}"},
                "asset": {
                    "type": "image",
                    "filename": "VV-100-2.gif",
                    "source_url": "https://shop.example.com/uploads/products/vv-100-back.gif",
                },
                "display_order": 1,
            },
        ],
        reads=("(ok)", "errors"),
        placeholders={"product_id": "data.0.id of viveren-products-bulk-create"},
        notes=(
            "All images of the product in one request with replace_all=true (the string 'true'), after"
            " account (and user_id). display_order is the 0-based position. filename"
            " '<SKU slug>-<n>.<ext>', at most 100 chars; extensions gif, jpeg, jpg, png only (version B"
            " converts local .webp to .joor.jpg). source_url is an absolute public URL JOOR must fetch."
        ),
    ),
    ConformanceCase(
        id="viveren-assets-sku-trait-values",
        client="viveren",
        source=(Source(VIVEREN, "app/Services/JoorService.php", "76-84, 276-405, 917-927", VIVEREN_B),),
        method="POST",
        host=V4_HOST,
        path=f"/v4/assets/sku_trait_values/?account={ACCOUNT}",
        headers=VIVEREN_V4,
        body=[
            {
                "product": {"id": "{product_id}"},
                "sku_trait_value": {"trait": {"name": "color"}, "value": {"external_id": "000000"}},
                "asset": {
                    "type": "swatch",
                    "filename": "000000.png",
                    "source_url": "https://shop.example.com/uploads/joor-swatches/000000.png",
                },
            }
        ],
        reads=("(ok)", "errors"),
        placeholders={"product_id": "data.0.id of viveren-products-bulk-create"},
        notes=(
            "Version B only, after the SKUs succeeded. Path ends with '/'. The color is named by"
            " trait.name 'color' (lower case) and the color's trait-value external_id sent with the SKUs;"
            " asset.external_id deliberately omitted ('JOOR requires it to be globally unique across the"
            " account'). Swatch file: curated public/color/<slug>.<ext> or a generated 100x100 PNG of the hex."
        ),
    ),
    ConformanceCase(
        id="viveren-orders-get",
        client="viveren",
        source=(
            *_viv("86-111", "100-125"),
            Source(VIVEREN, "app/Http/Controllers/JoorOrderController.php", "20-50", VIVEREN_A),
        ),
        method="GET",
        host=V4_HOST,
        path=f"/v4/orders?account={ACCOUNT}&status=APPROVED&page=1&page_size=50",
        headers=VIVEREN_V4,
        body=None,
        reads=("(ok)", "data", "errors"),
        notes=(
            "Filters passed through when given, in this order: order_ids, status (IN_PROGRESS, NOTES,"
            " PENDING, APPROVED, SHIPPED, CANCELLED), date_approved_start, date_approved_end, export_status"
            " (SUCCESS|FAILED|UNDEFINED), last_modified (a date), page (>=1), page_size (1..200), sort_by,"
            " sort_order (ASCENDING|DESCENDING). The example uses status/page/page_size. The controller"
            " returns data and errors to the admin UI; no automatic paging."
        ),
    ),
    ConformanceCase(
        id="viveren-orders-bulk-create",
        client="viveren",
        source=(
            *_viv("113-135", "127-149"),
            Source(VIVEREN, "app/Http/Controllers/JoorOrderController.php", "52-74, 114-254", VIVEREN_A),
        ),
        method="POST",
        host=V4_HOST,
        path=f"/v4/orders/bulk_create?account={ACCOUNT}",
        headers=VIVEREN_V4,
        body=[
            {
                "customer_code": "GL001",
                "price_type_name": "USD-1",
                "collection_code": "SP26-D1",
                "status": "PENDING",
                "po_number": "PO-7781",
                "delivery_window_start": "2026-01-10",
                "delivery_window_end": "2026-02-28",
            }
        ],
        reads=("(ok)", "errors", "errors.*.message", "data.0"),
        notes=(
            "One admin-entered order per request; empty fields dropped recursively; keys in the"
            " controller's validation order. Accepted fields: customer_id|customer_code,"
            " price_type_id|price_type_name, collection_id|collection_code, status (required),"
            " shipping_address_id|_code, shipping_price (string), shipping_method_id|_code,"
            " billing_address_id|_code, sales_rep_id|_code, payment_method_id|_code, tracking_number,"
            " export_status, export_description, po_number, comments, internal_comments,"
            " delivery_window_start/end (Y-m-d), warehouse{id,code,name}, season{id,code},"
            " customer_group{name,code}, company_number{name,code}, buyer{id,name,email},"
            " custom_shipping_address{...}, custom_billing_address{...}, tax{amount,number},"
            " discount{discount,details[{type PERCENTAGE|AMOUNT,value}]}, event{event,code},"
            " type{id,name,code}; `door` is dropped on create; `advanced` is merged in verbatim. Values here"
            " are admin input (sandbox retailer code / price type name / collection code used)."
        ),
    ),
    ConformanceCase(
        id="viveren-orders-bulk-update",
        client="viveren",
        source=(
            *_viv("137-159", "151-173"),
            Source(VIVEREN, "app/Http/Controllers/JoorOrderController.php", "76-98, 220-233", VIVEREN_A),
        ),
        method="POST",
        host=V4_HOST,
        path=f"/v4/orders/bulk_update?account={ACCOUNT}",
        headers=VIVEREN_V4,
        body=[{"status": "APPROVED", "id": "{order_id}"}],
        reads=("(ok)", "errors", "errors.*.message", "data.0"),
        placeholders={"order_id": "data.*.id of viveren-orders-get (the admin picks it)"},
        notes="Same field set as create plus door{id,code,name}; `id` from the URL is merged LAST.",
    ),
    ConformanceCase(
        id="viveren-orders-sku-line-items-get",
        client="viveren",
        source=(Source(VIVEREN, "app/Services/JoorService.php", "175-199", VIVEREN_B),),
        method="GET",
        host=V4_HOST,
        path=f"/v4/orders/sku_line_items?account={ACCOUNT}&order_ids={{order_id}}",
        headers=VIVEREN_V4,
        body=None,
        reads=("(ok)", "errors", "data"),
        placeholders={"order_id": "data.*.id of viveren-orders-get"},
        notes="Version B only. One order id per request; the body is passed through to the caller.",
    ),
    # ---------------------------------------------------------------- sonicinvoice (Deno edge function)
    ConformanceCase(
        id="sonic-v2-orders-test-connection",
        client="sonicinvoice",
        source=(
            Source(SONIC, "supabase/functions/joor-proxy/index.ts", "11, 57-72, 77-80", SONIC_HEAD),
            Source(SONIC, "supabase/functions/wholesale-proxy/index.ts", "57-65, 76-90", SONIC_HEAD),
            Source(SONIC, "src/components/JoorFlow.tsx", "171-203", SONIC_HEAD),
        ),
        method="GET",
        host="api.jooraccess.com",
        path="/v2/order/?sync=0&count=1&order_type=6",
        headers=SONIC_V2,
        body=None,
        reads=("(ok)",),
        notes=(
            "Production host. Token pasted by the user, stored in Supabase, sent as 'OAuth2 ' + btoa(token)."
            " Connection test: any non-2xx -> the proxy answers 500 {error: 'JOOR API error <status>:"
            " <text>'} and the UI deletes the saved token."
        ),
    ),
    ConformanceCase(
        id="sonic-v2-orders-list",
        client="sonicinvoice",
        source=(
            Source(SONIC, "supabase/functions/joor-proxy/index.ts", "59-72, 81-88", SONIC_HEAD),
            Source(SONIC, "src/components/JoorFlow.tsx", "30-40, 217-250", SONIC_HEAD),
            Source(SONIC, "src/lib/joor-mapper.ts", "7-25, 42-98", SONIC_HEAD),
        ),
        method="GET",
        host="api.jooraccess.com",
        path="/v2/order/?sync=0&count=100&start=0&order_type=6",
        headers=SONIC_V2,
        body=None,
        reads=(
            "(ok)",
            "*",
            "orders",
            "results",
            "orders.*.order_id",
            "orders.*.order_total",
            "orders.*.order_currency",
            "orders.*.order_season_code",
            "orders.*.order_delivery_name",
            "orders.*.retailer.customer_name",
            "orders.*.retailer.customer_code",
            "orders.*.brand",
            "orders.*.line_items.*.style_name",
            "orders.*.line_items.*.style_number",
            "orders.*.line_items.*.style_description",
            "orders.*.line_items.*.color_name",
            "orders.*.line_items.*.color_code",
            "orders.*.line_items.*.size_name",
            "orders.*.line_items.*.upc",
            "orders.*.line_items.*.price_wholesale",
            "orders.*.line_items.*.price_retail",
            "orders.*.line_items.*.quantity_ordered",
            "orders.*.line_items.*.fabrication",
            "orders.*.line_items.*.silhouette",
            "orders.*.line_items.*.delivery_name",
            "orders.*.line_items.*.season_name",
            "orders.*.line_items.*.season_year",
            "orders.*.line_items.*.brand",
            "orders.*.line_items.*.image_url",
        ),
        notes=(
            "sync=0 (never marks), order_type=6 (Approved only), page offset in `start` (JOOR documents"
            " `start_from`). The UI asks once with count=100 and never passes start, so only the first 100"
            " approved orders are listed. The list is taken as the answer itself if it is an array, else"
            " answer.orders, else answer.results (each must be an ARRAY: .filter/.map are called on it)."
            " order_total must be a number (.toFixed(2)). Field names are the client's expectation of JOOR's"
            " v2 order JSON; JOOR's docs publish no response example."
        ),
    ),
    ConformanceCase(
        id="sonic-v2-order-get",
        client="sonicinvoice",
        source=(Source(SONIC, "supabase/functions/joor-proxy/index.ts", "89-93", SONIC_HEAD),),
        method="GET",
        host="api.jooraccess.com",
        path="/v2/order/{order_id}",
        headers=SONIC_V2,
        body=None,
        reads=("(ok)",),
        placeholders={"order_id": "orders.*.order_id of sonic-v2-orders-list"},
        notes="Proxy action get_order; no UI caller in the snapshot; the JSON is passed through unread.",
    ),
    ConformanceCase(
        id="sonic-v2-style-get",
        client="sonicinvoice",
        source=(Source(SONIC, "supabase/functions/joor-proxy/index.ts", "94-98", SONIC_HEAD),),
        method="GET",
        host="api.jooraccess.com",
        path="/v2/style/{style_id}",
        headers=SONIC_V2,
        body=None,
        reads=("(ok)",),
        placeholders={"style_id": "a JOOR style id from an order (no UI caller in the snapshot)"},
        notes="Proxy action get_style; passed through unread.",
    ),
    ConformanceCase(
        id="sonic-v2-order-mark-exported",
        client="sonicinvoice",
        source=(
            Source(SONIC, "supabase/functions/joor-proxy/index.ts", "99-106", SONIC_HEAD),
            Source(SONIC, "src/components/JoorFlow.tsx", "353-363, 388-397", SONIC_HEAD),
        ),
        method="GET",
        host="api.jooraccess.com",
        path="/v2/order/?sync=1&count=1&order_id={order_id}&order_type=6",
        headers=SONIC_V2,
        body=None,
        reads=("(ok)",),
        placeholders={"order_id": "orders.*.order_id of sonic-v2-orders-list"},
        notes=(
            "Intends to mark ONE order exported by reading it with sync=1 and an `order_id` filter; JOOR's"
            " documented v2 order parameters have no order_id. If the filter is ignored, sync=1 marks the"
            " first not-yet-exported approved order instead. Only res.ok matters."
        ),
    ),
    # ---------------------------------------------------------------- C# RestSharp console app
    ConformanceCase(
        id="csharp-auth",
        client="csharp-restsharp",
        source=(Source(CSHARP, "Program.cs (ConsoleApp1)", "15-22, 52-66", "the 8,201-character version"),),
        method="POST",
        host=AUTH_HOST,
        path="/auth",
        headers={
            "Accept": "application/json",
            "Content-Type": "multipart/form-data; boundary=---011000010111000001101001",
        },
        body=(
            b"client_id=sandbox-client&grant_type=password&client_secret=sandbox-client-secret"
            b"&username=brand@example.com&password=sandbox-password"
        ),
        reads=("access_token",),
        notes=(
            "Postman-style RestSharp (<=106) code: header content-type 'application/x-www-form-urlencoded;"
            " boundary=...' AND a RequestBody parameter named 'multipart/form-data; boundary=...'. RestSharp"
            " 106 sends the body parameter's name as Content-Type, so the wire value is most likely the"
            " multipart one with a urlencoded body (older/newer versions may send the header value). The"
            " body is concatenated without URL-encoding. No status check."
        ),
    ),
    ConformanceCase(
        id="csharp-categories-get",
        client="csharp-restsharp",
        source=(Source(CSHARP, "Program.cs (ConsoleApp1)", "68-76", "the 8,201-character version"),),
        method="GET",
        host=V4_HOST,
        path=f"/v4/categories?account={ACCOUNT}",
        headers=CSHARP_V4,
        body=None,
        reads=(),
        notes="Defined (PrintCategory), never called. Authorization is the bare token, no 'Bearer '.",
    ),
    ConformanceCase(
        id="csharp-products-bulk-create",
        client="csharp-restsharp",
        source=(
            Source(CSHARP, "Program.cs (ConsoleApp1)", "22, 33, 124-139", "the 8,201-character version"),
        ),
        method="POST",
        host=V4_HOST,
        path=f"/v4/products/bulk_create?account={ACCOUNT}",
        headers={**CSHARP_V4, "Content-Type": "application/json"},
        body=(
            b'[{"name":"tugamobi SA01","external_id":"TUGA-0101-120000","product_identifier":'
            b'"TUGASA01-0101-120000","description":"This product is for testing","order_minimum":1}]'
        ),
        reads=("data.0.id",),
        notes=(
            "JSON built by string concatenation (no escaping); external_id/product_identifier end with the"
            " run's DateTime 'MMdd-HHmmss' (example value). Account hard-coded in the program (TID);"
            " Authorization is the bare access token. data.0.id is returned and used for the SKUs."
        ),
    ),
    ConformanceCase(
        id="csharp-skus-bulk-create",
        client="csharp-restsharp",
        source=(Source(CSHARP, "Program.cs (ConsoleApp1)", "35-37, 141-170", "the 8,201-character version"),),
        method="POST",
        host=V4_HOST,
        path=f"/v4/skus/bulk_create?account={ACCOUNT}",
        headers={**CSHARP_V4, "Content-Type": "application/json"},
        body=(
            b'[{"product_id":"{product_id}","trait_values":[{"trait_name":"Color","value":"White",'
            b'"external_id":"White"},{"trait_name":"Size","value":"Large","external_id":"Large"}],'
            b'"identifiers":[{"type":"upc","value":"MPN-{product_id}"}]}]'
        ),
        reads=(),
        placeholders={"product_id": "data.0.id of csharp-products-bulk-create"},
        notes=(
            "ONE item carrying every color and size trait (here one of each); trait_name, no trait_id; no"
            " external_id/sku_identifier on the SKU; identifier type lower-case 'upc' with value"
            " 'MPN-<product id>'. The answer is only printed."
        ),
    ),
    ConformanceCase(
        id="csharp-products-get",
        client="csharp-restsharp",
        source=(Source(CSHARP, "Program.cs (ConsoleApp1)", "78-101", "the 8,201-character version"),),
        method="GET",
        host=V4_HOST,
        path=f"/v4/products?account={ACCOUNT}",
        headers=CSHARP_V4,
        body=None,
        reads=("data.*.external_id", "data.*.id", "data.*.name", "data.*.product_identifier"),
        notes="First page only; external_id.ToString() is called on every product (a null external_id throws).",
    ),
    ConformanceCase(
        id="csharp-skus-get",
        client="csharp-restsharp",
        source=(Source(CSHARP, "Program.cs (ConsoleApp1)", "105-121", "the 8,201-character version"),),
        method="GET",
        host=V4_HOST,
        path=f"/v4/skus?account={ACCOUNT}&product_ids={{product_id}}",
        headers=CSHARP_V4,
        body=None,
        reads=("data.0.id", "data.0.trait_values.*.value"),
        placeholders={"product_id": "data.0.id of csharp-products-bulk-create"},
        notes="Reads only the first SKU and the `value` of its trait values.",
    ),
]
