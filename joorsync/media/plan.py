"""Planning one linked product's images: the three-way comparison of each side's image list against
the last agreement, and the gate's rules for images. Pure: no database, no API.

The comparison is per image, by key (see `keys.py`): an image added on one side is added on the
other; one removed on one side is removed on the other when the delete policy says so, else kept and
listed as a problem for a person; both sides adding is both kept (nothing is lost). Order follows
JOOR when JOOR reordered (JOOR also wins when both did); a Shopify reorder stays in Shopify (JOOR's
API cannot reorder a style's images) and is said in the product's history.

Colour images are compared per colour: base = the colour's image both sides had after the last sync,
JOOR's side = the colour's image JOOR shows (v4), Shopify's = the image the colour's variants show.
A change on one side goes to the other; when both changed, JOOR's stays (said in the history).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from joorsync.media.keys import (
    IMAGE_EXTENSIONS,
    extension_of,
    joor_image_url,
    joor_key,
    key_in_name,
    named,
    readable_name,
    shopify_key,
)
from joorsync.sync.engine.plan import Note, Refusal, Side

#: Shopify: at most 250 media per product [https://help.shopify.com/en/manual/products/product-media].
SHOPIFY_MAX_MEDIA = 250
#: JOOR's v2 upload takes JPEG or PNG [https://api-docs.jooraccess.com/v2.0/reference/introduction-2].
JOOR_IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png"}
PENDING = frozenset({"UPLOADED", "PROCESSING"})
IMAGES_PATH = "images"


def color_path(color_code: str) -> str:
    return f"images.color[{color_code}]"


@dataclass(frozen=True, slots=True)
class ShopifyMedia:
    """One media of the Shopify product, with the key it is known by (None: processing, not known)."""

    media_id: str
    key: str | None
    status: str
    kind: str
    url: str | None = None
    mime: str | None = None
    errors: tuple[str, ...] = ()

    @property
    def is_image(self) -> bool:
        return self.kind == "MediaImage"

    @property
    def ready(self) -> bool:
        return self.status == "READY" and bool(self.url)

    @property
    def name(self) -> str:
        return readable_name(self.url) if self.url else self.media_id.rsplit("/", 1)[-1]


def shopify_media_of(node: Mapping[str, Any], *, known: Mapping[str, str]) -> list[ShopifyMedia]:
    """The product's media in Shopify's order. `known` maps media id → key (the agreement's map):
    it names media still processing; a READY image is named by its file name, else by its id."""
    connection = node.get("media") or {}
    nodes = connection.get("nodes") if isinstance(connection, dict) else connection
    if nodes is None and isinstance(connection, dict):
        nodes = [edge["node"] for edge in connection.get("edges") or []]
    found = []
    for raw in nodes or []:
        media_id = str(raw.get("id") or "")
        if not media_id:
            continue
        url = (raw.get("image") or {}).get("url")
        status = str(raw.get("status") or "")
        key = known.get(media_id) or (key_in_name(url) if url else None)
        if key is None and (url or status not in PENDING):
            key = shopify_key(media_id)
        errors = tuple(f"{e.get('message') or e.get('code')}" for e in raw.get("mediaErrors") or [])
        found.append(
            ShopifyMedia(
                media_id=media_id,
                key=key,
                status=status,
                kind=str(raw.get("__typename") or ("MediaImage" if raw.get("image") else "")),
                url=url,
                mime=raw.get("mimeType"),
                errors=errors,
            )
        )
    return found


@dataclass(slots=True)
class Agreed:
    """The last agreement of a product's images (a copy of `ImageAgreement`'s fields)."""

    keys: list[str] = field(default_factory=list)
    joor_order: list[str] = field(default_factory=list)
    shopify_order: list[str] = field(default_factory=list)
    colors: dict[str, str] = field(default_factory=dict)
    media: dict[str, str] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    variant_images: dict[str, str] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ImageRules:
    allow_shopify: bool
    allow_joor: bool
    propagate_deletes: bool  # the delete policy archives on the other side: removals follow


@dataclass(frozen=True, slots=True)
class JoorUpload:
    key: str
    media_id: str
    url: str
    filename: str
    display_order: int
    name: str


@dataclass(frozen=True, slots=True)
class ColourUpload:
    """A colour's image changed in Shopify only: sent to JOOR as that colour's image (v2 upload
    with `color_code`; JOOR keeps one image per colour, so it replaces `base`)."""

    code: str
    key: str
    media_id: str
    url: str
    filename: str
    name: str
    base: str | None


@dataclass(slots=True)
class ImagePlan:
    """What one pair's images need. `files` is the productSet `files` list (None: unchanged)."""

    wait: bool = False  # a media still processing is not known yet: nothing planned this run
    files: list[dict[str, Any]] | None = None
    target: list[str] = field(default_factory=list)  # keys of `files`, in order
    uploads: list[JoorUpload] = field(default_factory=list)
    joor_deletes: list[tuple[str, str]] = field(default_factory=list)  # (key, stored path)
    attach: dict[str, str] = field(default_factory=dict)  # colour code → key
    refusals: list[Refusal] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # key → a readable name
    shopify_before: list[str] = field(default_factory=list)  # style image keys
    shopify_after: list[str] = field(default_factory=list)
    joor_before: list[str] = field(default_factory=list)
    joor_after: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # removed on one side, kept by the delete policy
    agreed: Agreed = field(default_factory=Agreed)
    new_refused: dict[str, str] = field(default_factory=dict)
    current: list[str] = field(default_factory=list)  # every Shopify media key, in Shopify's order
    colour_uploads: list[ColourUpload] = field(default_factory=list)
    # Variant id → the key of the image it shows ("" none), kept as the last seen (None: not read).
    seen: dict[str, str] | None = None
    variants_of: dict[str, list[str]] = field(default_factory=dict)  # colour code → its variant ids
    # Colours whose Shopify change is not carried this run: their variants keep their last seen image,
    # so the change is looked at again (a refusal stays listed until someone acts).
    held_colours: set[str] = field(default_factory=set)
    colour_only: set[str] = field(default_factory=set)  # shown on variants, not style images

    @property
    def writes_shopify(self) -> bool:
        return self.files is not None

    @property
    def writes_joor(self) -> bool:
        return bool(self.uploads or self.joor_deletes or self.colour_uploads)


def _dedupe(keys: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def plan_images(
    *,
    joor_paths: Sequence[str],
    joor_colors: Mapping[str, str] | None,
    shopify: Sequence[ShopifyMedia],
    agreed: Agreed | None,
    rules: ImageRules,
    variants: Mapping[str, tuple[str, str | None]] | None = None,
) -> ImagePlan:
    """Plan one pair's images. `joor_colors` is colour code → the colour's image path (None: JOOR's
    colour images could not be read this run, so colour images are left as they are). `variants` is
    Shopify variant id → (colour code, key of the image it shows or None); None: not read, so a
    merchant's variant images are not compared."""
    plan = ImagePlan(agreed=agreed or Agreed())
    if any(m.key is None for m in shopify):
        plan.wait = True
        return plan
    base_agreed = agreed
    agreed = plan.agreed
    paths = {joor_key(p): p for p in joor_paths}
    j_list = _dedupe(joor_key(p) for p in joor_paths)
    color_keys = {code: joor_key(p) for code, p in (joor_colors or {}).items()}
    for key, path in [*paths.items(), *((joor_key(p), p) for p in (joor_colors or {}).values())]:
        plan.names[key] = readable_name(path)
    by_key = {m.key: m for m in shopify if m.key}
    plan.current = [m.key for m in shopify if m.key]
    for m in shopify:
        if m.key and m.key not in plan.names:
            plan.names[m.key] = m.name
    colour_changes: dict[str, str] = {}
    if variants is not None and joor_colors is not None:
        colour_changes = _shopify_colour_changes(plan, variants, color_keys)
    # An image shown on a colour's variants is a colour image, not a style image (unless it is one
    # already): the merchant's new colour image is not sent to JOOR as a style image, nor later.
    known_style = set(j_list) | set(agreed.keys)
    if variants is not None:
        shown = {key for _, key in variants.values() if key}
    else:
        shown = {key for key in agreed.variant_images.values() if key}
    plan.colour_only = {k for k in shown if k not in known_style}
    # A style image the merchant also shows on a colour's variants stays a style image on both sides.
    colour_set = (
        set(color_keys.values()) | set(agreed.colors.values()) | set(agreed.retired) | plan.colour_only
    ) - known_style
    s_list = _dedupe(m.key for m in shopify if m.is_image and m.key and m.key not in colour_set)
    j_set, s_set = set(j_list), set(s_list)
    plan.shopify_before, plan.joor_before = list(s_list), list(j_list)
    base = list(agreed.keys) if base_agreed is not None else [k for k in j_list if k in s_set]
    base_set = set(base)

    added_j = [k for k in j_list if k not in base_set and k not in s_set]
    added_s = [k for k in s_list if k not in base_set and k not in j_set]
    removed_j = [k for k in base if k not in j_set and k in s_set]
    removed_s = [k for k in base if k not in s_set and k in j_set]
    delete_s = removed_j if rules.propagate_deletes and rules.allow_shopify else []
    delete_j = removed_s if rules.propagate_deletes and rules.allow_joor else []
    for key in [k for k in removed_j if k not in delete_s]:
        plan.kept.append(key)
        plan.refusals.append(_kept_refusal(plan.names.get(key, key), removed_in=Side.JOOR))
    for key in [k for k in removed_s if k not in delete_j]:
        plan.kept.append(key)
        plan.refusals.append(_kept_refusal(plan.names.get(key, key), removed_in=Side.SHOPIFY))

    # ---------------------------------------------------------------- Shopify's media
    common = j_set & s_set
    joor_moved = base_agreed is None or [k for k in j_list if k in common] != [
        k for k in agreed.joor_order if k in common
    ]
    shopify_moved = base_agreed is not None and [k for k in s_list if k in common] != [
        k for k in agreed.shopify_order if k in common
    ]
    style_after = list(s_list)
    if rules.allow_shopify:
        keep = [k for k in s_list if k not in delete_s]
        if joor_moved:
            style_after = [k for k in j_list if k in keep or k in added_j] + [
                k for k in keep if k not in j_set
            ]
        else:
            style_after = keep + added_j
        _plan_files(plan, shopify, style_after, color_keys, paths, joor_colors or {}, by_key)
        style_after = [k for k in style_after if k in plan.target] if plan.files is not None else s_list
    if shopify_moved and not joor_moved and rules.allow_joor:
        plan.notes.append(
            Note(
                action="images_reordered",
                side=Side.SHOPIFY,
                message="Images were reordered in Shopify; JOOR keeps its order (JOOR's API cannot "
                "reorder a style's images)",
            )
        )
    plan.shopify_after = style_after

    # ---------------------------------------------------------------- JOOR's images
    joor_after = [k for k in j_list if k not in delete_j]
    if rules.allow_joor:
        for key in delete_j:
            plan.joor_deletes.append((key, paths[key]))
        for key in added_s:
            media = by_key.get(key)
            if media is None or not media.ready:
                continue  # not processed yet (or failed in Shopify): nothing to send
            if key in agreed.refused:
                plan.refusals.append(_upload_refusal(media.name, agreed.refused[key]))
                continue
            extension = JOOR_IMAGE_TYPES.get(media.mime or "image/jpeg")
            if extension is None:
                kind = IMAGE_EXTENSIONS.get(media.mime or "", extension_of(media.url or "")).upper()
                reason = f"JOOR takes JPEG or PNG images; this one is {kind}"
                plan.new_refused[key] = reason
                plan.refusals.append(_upload_refusal(media.name, reason))
                continue
            plan.uploads.append(
                JoorUpload(
                    key=key,
                    media_id=media.media_id,
                    url=media.url or "",
                    filename=named(media.url or media.name, key, extension),
                    display_order=len(joor_after) + len(plan.uploads) + 1,
                    name=media.name,
                )
            )
    plan.joor_after = joor_after + [u.key for u in plan.uploads]
    if colour_changes:
        _plan_colour_uploads(plan, colour_changes, color_keys, by_key, rules)

    # ---------------------------------------------------------------- colour images on variants
    if rules.allow_shopify and joor_colors is not None:
        for code, key in color_keys.items():
            if agreed.colors.get(code) != key and key in set(
                plan.target or [m.key for m in shopify if m.key]
            ):
                plan.attach[code] = key
    failed = [m for m in shopify if m.status == "FAILED" and m.key]
    if failed:
        listed = "; ".join(f"{m.name} ({', '.join(m.errors) or 'no reason given'})" for m in failed[:10])
        plan.refusals.append(
            Refusal(
                side=Side.SHOPIFY,
                code="image_failed",
                path=IMAGES_PATH,
                message=f"Shopify could not process {len(failed)} image"
                f"{'s' if len(failed) > 1 else ''}: {listed}",
            )
        )
    plan.refusals = _merged(plan.refusals)
    return plan


def _merged(refusals: list[Refusal]) -> list[Refusal]:
    """One refusal per code and path (a product's problems are kept one per code and field): the
    messages of several images are joined."""
    merged: dict[tuple[str, str], Refusal] = {}
    for refusal in refusals:
        key = (refusal.code, refusal.path)
        if key in merged:
            first = merged[key]
            merged[key] = Refusal(first.side, first.code, f"{first.message}; {refusal.message}", first.path)
        else:
            merged[key] = refusal
    return list(merged.values())


def _plan_files(
    plan: ImagePlan,
    shopify: Sequence[ShopifyMedia],
    style_after: list[str],
    color_keys: Mapping[str, str],
    paths: Mapping[str, str],
    joor_colors: Mapping[str, str],
    by_key: Mapping[str, ShopifyMedia],
) -> None:
    """The productSet `files` list when Shopify's media must change: style images in their order,
    then the colour images, then every other media as it is (videos, images the app does not know)."""
    current = [m.key for m in shopify if m.key]
    colour_paths = {joor_key(p): p for p in joor_colors.values()}
    target = list(style_after)
    # Then every other media where it is (videos, colour images), except the colour images the app
    # put there that JOOR no longer shows (JOOR only overwrites a colour's image, so it was replaced);
    # then the colour images Shopify does not hold yet, in JOOR's colour order.
    stale = set(plan.agreed.colors.values()) - set(color_keys.values())
    style_before = set(plan.shopify_before)
    target += [m.key for m in shopify if m.key and m.key not in style_before and m.key not in stale]
    target += [key for key in color_keys.values() if key not in target]
    target = _dedupe(target)
    if len(target) > SHOPIFY_MAX_MEDIA:
        # Media Shopify holds stay; new ones are added while there is room.
        room = SHOPIFY_MAX_MEDIA - sum(1 for k in target if k in by_key)
        dropped = set([k for k in target if k not in by_key][max(room, 0) :])
        target = [k for k in target if k not in dropped]
        plan.refusals.append(
            Refusal(
                side=Side.SHOPIFY,
                code="too_many_images",
                path=IMAGES_PATH,
                message=f"{len(dropped)} images are not added to Shopify: a product holds at most "
                f"{SHOPIFY_MAX_MEDIA} media",
            )
        )
    if target == current:
        return
    files: list[dict[str, Any]] = []
    for key in target:
        media = by_key.get(key)
        if media is not None:
            files.append({"id": media.media_id})
            continue
        path = paths.get(key) or colour_paths.get(key)
        if path is None:
            continue
        files.append(
            {
                "originalSource": joor_image_url(path),
                "filename": named(path, key, extension_of(path)),
                "contentType": "IMAGE",
            }
        )
    plan.files = files
    plan.target = [k for k in target if k in by_key or k in paths or k in colour_paths]


def _kept_refusal(name: str, *, removed_in: Side) -> Refusal:
    other = removed_in.other
    return Refusal(
        side=other,
        code="image_removed",
        path=IMAGES_PATH,
        message=f"Image {name} was removed in {removed_in.label} and is kept in {other.label}: "
        f"the delete policy asks a person (remove it in {other.label} too, or add it again in "
        f"{removed_in.label})",
    )


def _upload_refusal(name: str, reason: str, *, path: str = IMAGES_PATH) -> Refusal:
    return Refusal(
        side=Side.JOOR,
        code="image_refused",
        path=path,
        message=f"Image {name} is not sent to JOOR: {reason}",
    )


def _shopify_colour_changes(
    plan: ImagePlan, variants: Mapping[str, tuple[str, str | None]], color_keys: Mapping[str, str]
) -> dict[str, str]:
    """Colour code → the image the merchant put on that colour's variants since the last sync.

    A variant's last seen image is the one recorded at the last sync; a variant never seen before
    counts as unchanged when the colour has an agreed image (the app only ever attaches it to
    variants without one, so whatever else it shows was there before), and as new when the colour
    has none (then it is added on the other side, like a new style image)."""
    agreed = plan.agreed
    plan.seen = {}
    for variant_id, (code, key) in variants.items():
        plan.seen[variant_id] = key or ""
        plan.variants_of.setdefault(code, []).append(variant_id)
    changes: dict[str, str] = {}
    for code, variant_ids in sorted(plan.variants_of.items()):
        base = agreed.colors.get(code)
        new: list[str] = []
        for variant_id in variant_ids:
            shown = plan.seen[variant_id]
            last = agreed.variant_images.get(variant_id, shown if base is not None else "")
            if shown and shown != last and shown not in (base, color_keys.get(code)):
                new.append(shown)
        new = _dedupe(new)
        if len(new) > 1:
            plan.held_colours.add(code)
            names = ", ".join(plan.names.get(k, k) for k in new)
            plan.refusals.append(
                Refusal(
                    side=Side.JOOR,
                    code="colour_image_mixed",
                    path=color_path(code),
                    message=f"The variants of colour {code} were given different images ({names}); "
                    "JOOR keeps one image per colour, so none is sent until they show the same one",
                )
            )
        elif new:
            changes[code] = new[0]
    return changes


def _plan_colour_uploads(
    plan: ImagePlan,
    changes: Mapping[str, str],
    color_keys: Mapping[str, str],
    by_key: Mapping[str, ShopifyMedia],
    rules: ImageRules,
) -> None:
    """Each colour whose image changed in Shopify only goes to JOOR; when JOOR's changed too, JOOR's
    stays (said in the history): sending Shopify's would overwrite a change made in JOOR and cost
    credits, while Shopify loses nothing (its variants keep their image)."""
    agreed = plan.agreed
    for code, key in changes.items():
        base = agreed.colors.get(code)
        in_joor = color_keys.get(code)
        media = by_key.get(key)
        name = media.name if media is not None else plan.names.get(key, key)
        if in_joor != base:
            if base is not None:
                plan.notes.append(
                    Note(
                        action="colour_image_kept",
                        side=Side.JOOR,
                        message=f"Colour {code}: the image was changed in both Shopify ({name}) and JOOR "
                        f"({plan.names.get(in_joor or '', in_joor)}); JOOR keeps its own and the Shopify "
                        "variants keep theirs",
                    )
                )
            continue
        if not rules.allow_joor or media is None or not media.ready:
            plan.held_colours.add(code)  # not sent this run (direction, or still processing)
            continue
        if key in agreed.refused:
            plan.held_colours.add(code)
            plan.refusals.append(_upload_refusal(name, agreed.refused[key], path=color_path(code)))
            continue
        extension = JOOR_IMAGE_TYPES.get(media.mime or "image/jpeg")
        if extension is None:
            kind = IMAGE_EXTENSIONS.get(media.mime or "", extension_of(media.url or "")).upper()
            reason = f"JOOR takes JPEG or PNG images; this one is {kind}"
            plan.new_refused[key] = reason
            plan.held_colours.add(code)
            plan.refusals.append(_upload_refusal(name, reason, path=color_path(code)))
            continue
        plan.colour_uploads.append(
            ColourUpload(
                code=code,
                key=key,
                media_id=media.media_id,
                url=media.url or "",
                filename=named(media.url or name, key, extension),
                name=name,
                base=base,
            )
        )


def joor_colour_images(colors: Sequence[Any]) -> dict[str, str]:
    """Colour code → the colour's first own image, from `ColorImages` records (v4)."""
    found: dict[str, str] = {}
    for color in colors:
        if color.color_code and color.images and color.color_code not in found:
            found[color.color_code] = color.images[0]
    return found
