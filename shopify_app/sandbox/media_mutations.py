"""Product media writes: productCreateMedia (deprecated, still answered), productUpdateMedia,
productDeleteMedia, productReorderMedia, productVariantAppendMedia / DetachMedia, the `media` argument
of productCreate / productUpdate and the `files` of productSet.

Messages, codes and fields follow the recordings (product-*-media-parity, product-top-level-media-parity,
media-file-cascade-variant-media-clear) and, for branches those do not reach, Shopify's answers captured
by the shopify-draft-proxy project (product-media-validation-branches, product-variant-media-validation,
product-media-missing-media-aggregation). A change of a product's media fires `products/update`.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox.media import file_by_gid, kind_of, new_file, status, url_ok
from shopify_app.sandbox.media_models import FileRecord
from shopify_app.sandbox.models import Product, gid, parse_gid
from shopify_app.sandbox.payloads import product_json
from shopify_app.sandbox.resolvers import Context, ctx, resolves
from shopify_app.sandbox.store import Change

# "A product can have up to 250 media" (shopify.dev, "Product media" guide; the schema names the error
# PRODUCT_MEDIA_LIMIT_EXCEEDED, "Exceeded the limit of media per product.").
MAX_PRODUCT_MEDIA = 250
# Recorded (draft-proxy product-variant-media-validation): "Exceeded 100 variant-media pairs per mutation."
MAX_VARIANT_MEDIA_PAIRS = 100
PRODUCT_MISSING = "Product does not exist"
KINDS = {"IMAGE": "MediaImage", "VIDEO": "Video", "EXTERNAL_VIDEO": "ExternalVideo"}


def media_error(field: list[str] | None, message: str, code: str | None) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def without_code(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The deprecated `userErrors` beside `mediaUserErrors`: the same errors, without codes."""
    return [{"field": e["field"], "message": e["message"]} for e in errors]


def _product(context: Context, value: Any) -> Product | None:
    number = parse_gid(value, "Product")
    return context.state.products.get(number) if number is not None else None


def product_changed(context: Context, product: Product) -> None:
    """Stamp the product and report it (media changes fire products/update, as Shopify's do)."""
    product.updated_at = context.state.now()
    context.changes.append(Change("products/update", product_json(context.state, product)))


def refresh_product_change(context: Context, product: Product) -> None:
    """Recompute the webhook body already queued for this product (its media changed after)."""
    for change in reversed(context.changes):
        if change.topic in ("products/create", "products/update") and change.payload.get("id") == product.id:
            change.payload = product_json(context.state, product)
            return


# ----- inputs -------------------------------------------------------------------------------------
def create_media_errors(
    context: Context, product: Product | None, inputs: list[dict[str, Any]], root: str = "media"
) -> list[dict[str, Any]]:
    """Per-input problems of CreateMediaInput entries (recorded: `[media, i, originalSource]`
    'Image URL is invalid', code INVALID)."""
    errors = []
    for index, item in enumerate(inputs):
        path = [root, str(index)]
        if item.get("mediaContentType") not in KINDS:
            errors.append(
                media_error(
                    [*path, "mediaContentType"], "3D models are not served by the sandbox.", "INVALID"
                )
            )
        elif not url_ok(item.get("originalSource")):
            errors.append(media_error([*path, "originalSource"], "Image URL is invalid", "INVALID"))
    present = len(context.state.media.media_of(product.id)) if product else 0
    valid = len(inputs) - len(errors)
    if present + valid > MAX_PRODUCT_MEDIA:
        errors.append(
            media_error([root], "Exceeded the limit of media per product.", "PRODUCT_MEDIA_LIMIT_EXCEEDED")
        )
    return errors


def attach_new_media(context: Context, product: Product, inputs: list[dict[str, Any]]) -> list[FileRecord]:
    """Create media from CreateMediaInput entries and append them to the product's media."""
    created = []
    order = context.state.media.product_media.setdefault(product.id, [])
    for item in inputs:
        record = new_file(
            context,
            source=item["originalSource"].strip(),
            kind=KINDS[item["mediaContentType"]],
            alt=item.get("alt"),
        )
        order.append(record.id)
        created.append(record)
    return created


def _bad_indexes(errors: list[dict[str, Any]]) -> set[int]:
    return {int(e["field"][1]) for e in errors if e["field"] and len(e["field"]) > 2}


# ----- productCreateMedia / productUpdateMedia / productDeleteMedia -------------------------------
@resolves("Mutation", "productCreateMedia")
def product_create_media(
    _: Any,
    info: GraphQLResolveInfo,
    productId: str,  # noqa: N803 - GraphQL argument name
    media: list[dict[str, Any]],
) -> dict[str, Any]:
    """Valid entries are created even when others are refused (recorded mixed create)."""
    context = ctx(info)
    product = _product(context, productId)
    if product is None:
        errors = [media_error(["productId"], PRODUCT_MISSING, "PRODUCT_DOES_NOT_EXIST")]
        return {"media": None, "mediaUserErrors": errors, "userErrors": without_code(errors), "product": None}
    errors = create_media_errors(context, product, media)
    if any(e["field"] == ["media"] for e in errors):
        return {
            "media": [],
            "mediaUserErrors": errors,
            "userErrors": without_code(errors),
            "product": product,
        }
    bad = _bad_indexes(errors)
    created = attach_new_media(context, product, [m for i, m in enumerate(media) if i not in bad])
    if created:
        product_changed(context, product)
    return {
        "media": created,
        "mediaUserErrors": errors,
        "userErrors": without_code(errors),
        "product": product,
    }


def _missing_media(ids: list[str], field: str) -> dict[str, Any]:
    """Recorded: 'Media id X does not exist', 'Media ids X,Y do not exist'."""
    if len(ids) == 1:
        message = f"Media id {ids[0]} does not exist"
    else:
        message = f"Media ids {','.join(ids)} do not exist"
    return media_error([field], message, "MEDIA_DOES_NOT_EXIST")


def _on_product(context: Context, product: Product, value: Any) -> FileRecord | None:
    record = file_by_gid(context.state, value)
    if record is None or record.id not in context.state.media.product_media.get(product.id, []):
        return None
    return record


@resolves("Mutation", "productUpdateMedia")
def product_update_media(
    _: Any,
    info: GraphQLResolveInfo,
    productId: str,  # noqa: N803
    media: list[dict[str, Any]],
) -> dict[str, Any]:
    context = ctx(info)
    product = _product(context, productId)
    if product is None:
        errors = [media_error(["productId"], PRODUCT_MISSING, "PRODUCT_DOES_NOT_EXIST")]
        return {"media": None, "mediaUserErrors": errors, "userErrors": without_code(errors), "product": None}
    found = [(item, _on_product(context, product, item["id"])) for item in media]
    missing = [item["id"] for item, record in found if record is None]
    if missing:
        errors = [_missing_media(missing, "media")]
        return {
            "media": None,
            "mediaUserErrors": errors,
            "userErrors": without_code(errors),
            "product": product,
        }
    updated = []
    for item, record in found:
        assert record is not None
        if item.get("alt") is not None and item["alt"] != record.alt:
            record.alt = item["alt"]
            record.updated_at = context.state.now()
        updated.append(record)
    if updated:
        product_changed(context, product)
    return {"media": updated, "mediaUserErrors": [], "userErrors": [], "product": product}


@resolves("Mutation", "productDeleteMedia")
def product_delete_media(
    _: Any,
    info: GraphQLResolveInfo,
    productId: str,  # noqa: N803
    mediaIds: list[str],  # noqa: N803
) -> dict[str, Any]:
    context = ctx(info)
    product = _product(context, productId)
    nothing = {"deletedMediaIds": None, "deletedProductImageIds": None}
    if product is None:
        errors = [media_error(["productId"], PRODUCT_MISSING, "PRODUCT_DOES_NOT_EXIST")]
        return {**nothing, "mediaUserErrors": errors, "userErrors": without_code(errors), "product": None}
    found = [(value, _on_product(context, product, value)) for value in mediaIds]
    missing = [value for value, record in found if record is None]
    if missing:
        errors = [_missing_media(missing, "mediaIds")]
        return {**nothing, "mediaUserErrors": errors, "userErrors": without_code(errors), "product": product}
    deleted, images = [], []
    for _value, record in found:
        assert record is not None
        if record.kind == "MediaImage" and status(context, record) == "READY":
            if record.product_image_id is None:
                record.product_image_id = context.state.next_id()
            images.append(gid("ProductImage", record.product_image_id))
        deleted.append(gid(record.kind, record.id))
        context.state.media.forget(record.id)
    if deleted:
        product_changed(context, product)
    return {
        "deletedMediaIds": deleted,
        "deletedProductImageIds": images,
        "mediaUserErrors": [],
        "userErrors": [],
        "product": product,
    }


@resolves("Mutation", "productReorderMedia")
def product_reorder_media(
    _: Any,
    info: GraphQLResolveInfo,
    id: str,  # noqa: A002
    moves: list[dict[str, Any]],
) -> dict[str, Any]:
    """Moves apply one after the other, in request order (recorded product-reorder-media-parity); the
    answer is a Job not yet done, the new order is there for the next read."""
    context = ctx(info)
    product = _product(context, id)
    if product is None:
        errors = [media_error(["id"], PRODUCT_MISSING, "PRODUCT_DOES_NOT_EXIST")]
        return {"job": None, "mediaUserErrors": errors, "userErrors": without_code(errors)}
    order = context.state.media.product_media.setdefault(product.id, [])
    records = [(move, _on_product(context, product, move["id"])) for move in moves]
    missing = [move["id"] for move, record in records if record is None]
    if missing:
        errors = [_missing_media(missing, "moves")]
        return {"job": None, "mediaUserErrors": errors, "userErrors": without_code(errors)}
    for move, record in records:
        assert record is not None
        order.remove(record.id)
        order.insert(min(int(move["newPosition"]), len(order)), record.id)
    if records:
        product_changed(context, product)
    return {"job": context.state.media.new_job(), "mediaUserErrors": [], "userErrors": []}


# ----- variant media ------------------------------------------------------------------------------
def _variant_media_errors(
    context: Context, product: Product, pairs: list[dict[str, Any]], *, append: bool
) -> tuple[list[tuple[Any, FileRecord]], list[dict[str, Any]]]:
    if len(pairs) > MAX_VARIANT_MEDIA_PAIRS:
        message = f"Exceeded {MAX_VARIANT_MEDIA_PAIRS} variant-media pairs per mutation."
        return [], [media_error(["variantMedia"], message, "MAXIMUM_VARIANT_MEDIA_PAIRS_EXCEEDED")]
    media = context.state.media
    variants = {v.id: v for v in product.variants}
    seen: dict[Any, int] = {}
    planned, errors = [], []
    for index, pair in enumerate(pairs):
        path = ["variantMedia", str(index)]
        number = parse_gid(pair["variantId"], "ProductVariant")
        if number in seen:
            errors.append(
                media_error(
                    ["variantMedia", str(seen[number]), "variantId"],
                    "Variant was specified in more than one media input.",
                    "PRODUCT_VARIANT_SPECIFIED_MULTIPLE_TIMES",
                )
            )
            continue
        seen[number] = index
        ids = pair["mediaIds"]
        if not ids:
            errors.append(media_error([*path, "mediaIds"], "The mediaIds list cannot be empty.", "BLANK"))
            continue
        if len(ids) > 1:
            errors.append(
                media_error(
                    [*path, "mediaIds"],
                    "Only one mediaId is allowed per media input.",
                    "TOO_MANY_MEDIA_PER_INPUT_PAIR",
                )
            )
            continue
        variant = variants.get(number or -1)
        if variant is None:
            errors.append(
                media_error(
                    [*path, "variantId"],
                    "Variant does not exist on the specified product.",
                    "PRODUCT_VARIANT_DOES_NOT_EXIST_ON_PRODUCT",
                )
            )
            continue
        record = _on_product(context, product, ids[0])
        if record is None:
            errors.append(
                media_error(
                    [*path, "mediaIds"],
                    "Media does not exist on the specified product.",
                    "MEDIA_DOES_NOT_EXIST_ON_PRODUCT",
                )
            )
            continue
        attached = media.variant_media.get(variant.id, [])
        if not append:
            if record.id not in attached:
                errors.append(
                    media_error(
                        [*path, "variantId"],
                        "The specified media is not attached to the specified variant.",
                        "MEDIA_IS_NOT_ATTACHED_TO_VARIANT",
                    )
                )
                continue
        elif record.kind != "MediaImage":
            errors.append(
                media_error(
                    [*path, "mediaIds"],
                    "Non-image media cannot be attached to variants.",
                    "INVALID_MEDIA_TYPE",
                )
            )
            continue
        elif status(context, record) != "READY":
            errors.append(
                media_error(
                    [*path, "mediaIds"], "Non-ready media cannot be attached to variants.", "NON_READY_MEDIA"
                )
            )
            continue
        elif attached:
            errors.append(
                media_error(
                    [*path, "variantId"],
                    "The given variant already has attached media.",
                    "PRODUCT_VARIANT_ALREADY_HAS_MEDIA",
                )
            )
            continue
        planned.append((variant, record))
    return planned, errors


@resolves("Mutation", "productVariantAppendMedia")
def product_variant_append_media(
    _: Any,
    info: GraphQLResolveInfo,
    productId: str,  # noqa: N803
    variantMedia: list[dict[str, Any]],  # noqa: N803
) -> dict[str, Any]:
    """A variant shows one image, a READY image of its own product (recorded validation branches)."""
    context = ctx(info)
    product = _product(context, productId)
    if product is None:
        errors = [media_error(["productId"], PRODUCT_MISSING, "PRODUCT_DOES_NOT_EXIST")]
        return {"product": None, "productVariants": None, "userErrors": errors}
    planned, errors = _variant_media_errors(context, product, variantMedia, append=True)
    if errors:
        return {"product": None, "productVariants": None, "userErrors": errors}
    for variant, record in planned:
        context.state.media.variant_media[variant.id] = [record.id]
    if planned:
        product_changed(context, product)
    return {"product": product, "productVariants": [v for v, _ in planned], "userErrors": []}


@resolves("Mutation", "productVariantDetachMedia")
def product_variant_detach_media(
    _: Any,
    info: GraphQLResolveInfo,
    productId: str,  # noqa: N803
    variantMedia: list[dict[str, Any]],  # noqa: N803
) -> dict[str, Any]:
    context = ctx(info)
    product = _product(context, productId)
    if product is None:
        errors = [media_error(["productId"], PRODUCT_MISSING, "PRODUCT_DOES_NOT_EXIST")]
        return {"product": None, "productVariants": None, "userErrors": errors}
    planned, errors = _variant_media_errors(context, product, variantMedia, append=False)
    if errors:
        return {"product": None, "productVariants": None, "userErrors": errors}
    for variant, record in planned:
        context.state.media.detach(record.id, -1, [variant.id])
    if planned:
        product_changed(context, product)
    return {"product": product, "productVariants": [v for v, _ in planned], "userErrors": []}


# ----- productCreate / productUpdate `media:` -----------------------------------------------------
def top_level_media_errors(
    context: Context, product: Product | None, media: list[dict[str, Any]] | None
) -> list[dict[str, Any]]:
    """Problems of productCreate/productUpdate `media` (a `UserError`: field and message only; when
    there are any, nothing is written — recorded product-top-level-media-parity)."""
    if not media:
        return []
    return without_code(create_media_errors(context, product, media))


def add_top_level_media(
    context: Context, product: Product | None, media: list[dict[str, Any]] | None
) -> None:
    if product is None or not media:
        return
    attach_new_media(context, product, media)
    refresh_product_change(context, product)


# ----- productSet `files:` ------------------------------------------------------------------------
def product_set_file_errors(
    context: Context, data: dict[str, Any], product: Product | None
) -> list[dict[str, Any]]:
    """Problems of ProductSetInput.files (not recorded: productSet with files is absent from the
    recordings; the messages follow fileCreate's)."""
    files = data.get("files")
    if files is None:
        return []
    errors = []
    for index, item in enumerate(files):
        path = ["input", "files", str(index)]
        if item.get("id") is not None:
            record = file_by_gid(context.state, item["id"])
            if record is None or not record.is_media:
                errors.append(
                    {
                        "field": [*path, "id"],
                        "message": f"File id {item['id']} does not exist.",
                        "code": "INVALID_INPUT",
                    }
                )
            continue
        if not url_ok(item.get("originalSource")):
            errors.append(
                {
                    "field": [*path, "originalSource"],
                    "message": "File URL is invalid",
                    "code": "INVALID_INPUT",
                }
            )
        elif item.get("contentType") in ("FILE", "MODEL_3D"):
            errors.append(
                {
                    "field": [*path, "contentType"],
                    "message": "Only images and videos can be product media.",
                    "code": "INVALID_INPUT",
                }
            )
    return errors


def apply_product_set_files(context: Context, data: dict[str, Any], product: Product | None) -> None:
    """The product's media become exactly `files`, in that order: an entry with an id keeps (and may
    re-describe) that file, one without is created from its source; media left out are deleted."""
    files = data.get("files")
    if files is None or product is None:
        return
    media = context.state.media
    before = list(media.product_media.get(product.id, []))
    order: list[int] = []
    for item in files:
        if item.get("id") is not None:
            record = file_by_gid(context.state, item["id"])
            assert record is not None  # checked by product_set_file_errors
            if item.get("alt") is not None and item["alt"] != record.alt:
                record.alt = item["alt"]
                record.updated_at = context.state.now()
        else:
            source = item["originalSource"].strip()
            kind = kind_of(source, item.get("filename"), item.get("contentType"))
            record = new_file(
                context,
                source=source,
                kind="MediaImage" if kind == "GenericFile" else kind,
                alt=item.get("alt"),
                filename=item.get("filename"),
            )
        if record.id not in order:
            order.append(record.id)
    media.product_media[product.id] = order
    for record_id in before:
        if record_id not in order:
            media.detach(record_id, product.id, [v.id for v in product.variants])
            if not media.products_of(record_id):
                media.forget(record_id)
    refresh_product_change(context, product)
