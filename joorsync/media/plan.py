"""Planning one linked product's images: the three-way comparison of each side's image list against
the last agreement, and the gate's rules for images. Pure: no database, no API.

The comparison is per image, by key (see `keys.py`): an image added on one side is added on the
other; one removed on one side is removed on the other when the delete policy says so, else kept and
listed as a problem for a person; both sides adding is both kept (nothing is lost). Order follows
JOOR when JOOR reordered (JOOR also wins when both did); a Shopify reorder stays in Shopify (JOOR's
API cannot reorder a style's images) and is said in the product's history.
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

    @property
    def writes_shopify(self) -> bool:
        return self.files is not None

    @property
    def writes_joor(self) -> bool:
        return bool(self.uploads or self.joor_deletes)


def _dedupe(keys: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def plan_images(
    *,
    joor_paths: Sequence[str],
    joor_colors: Mapping[str, str] | None,
    shopify: Sequence[ShopifyMedia],
    agreed: Agreed | None,
    rules: ImageRules,
) -> ImagePlan:
    """Plan one pair's images. `joor_colors` is colour code → the colour's image path (None: JOOR's
    colour images could not be read this run, so colour images are left as they are)."""
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
    for m in shopify:
        if m.key and m.key not in plan.names:
            plan.names[m.key] = m.name
    colour_set = set(color_keys.values()) | set(agreed.colors.values())
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
    for key in color_keys.values():
        if key not in target:
            target.append(key)
    # Then every other media as it is (videos, colour images), except the colour images the app put
    # there that JOOR no longer shows: JOOR only overwrites a colour's image, so it was replaced.
    stale = set(plan.agreed.colors.values()) - set(color_keys.values())
    style_before = set(plan.shopify_before)
    target += [m.key for m in shopify if m.key and m.key not in style_before and m.key not in stale]
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


def _upload_refusal(name: str, reason: str) -> Refusal:
    return Refusal(
        side=Side.JOOR,
        code="image_refused",
        path=IMAGES_PATH,
        message=f"Image {name} is not sent to JOOR: {reason}",
    )


def joor_colour_images(colors: Sequence[Any]) -> dict[str, str]:
    """Colour code → the colour's first own image, from `ColorImages` records (v4)."""
    found: dict[str, str] = {}
    for color in colors:
        if color.color_code and color.images and color.color_code not in found:
            found[color.color_code] = color.images[0]
    return found
