"""The image agreement of a linked pair: read for its plan, stored after its writes (with the colour
images its variants are still to show queued for the end of the batch)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from joorsync.media.attach import PendingAttach
from joorsync.media.models import ImageAgreement
from joorsync.media.plan import Agreed, ImagePlan, shopify_media_of
from joorsync.sync.models import ProductLink
from joorsync.sync.shopify_mapping import variant_node_map


class AgreementRecord:
    """Storing the agreement in a run's image step (`ImageSync`)."""

    pending: list[PendingAttach]

    def record(
        self,
        *,
        link: ProductLink,
        plan: ImagePlan,
        node: Mapping[str, Any],
        uploaded: Mapping[str, str],
        wrote_files: bool,
    ) -> None:
        """Store the new agreement and queue the colour images for their variants."""
        agreed = plan.agreed
        returned = shopify_media_of(node, known={})
        media: dict[str, str] = {}
        if wrote_files and len(returned) == len(plan.target):
            media = {key: m.media_id for key, m in zip(plan.target, returned, strict=True)}
        else:
            known = {media_id: key for key, media_id in agreed.media.items()}
            media = {m.key: m.media_id for m in shopify_media_of(node, known=known) if m.key}
        joor_after = [k for k in plan.joor_after if k not in plan.new_refused]
        shopify_after = plan.shopify_after
        j_set = set(joor_after)
        keys = [k for k in shopify_after if k in j_set]
        keys += [k for k in plan.kept if k not in keys]  # removed on one side, kept by the policy
        paths = {k: v for k, v in agreed.paths.items() if k in j_set}
        paths.update({k: v for k, v in uploaded.items() if v})
        present = set(media)
        refused = {k: v for k, v in {**agreed.refused, **plan.new_refused}.items() if k in present}
        colours = {c: k for c, k in agreed.colors.items() if k in present}
        retired = [*agreed.retired, *sorted(plan.colour_only)]
        for colour in plan.colour_uploads:  # sent: JOOR's image of the colour is now this one
            colours[colour.code] = colour.key
            if colour.base and colour.base != colour.key:
                retired.append(colour.base)
        shown_colours = set(colours.values())
        retired = [k for k in dict.fromkeys(retired) if k in present and k not in shown_colours]
        ImageAgreement.objects.update_or_create(
            link=link,
            defaults={
                "keys": keys,
                "joor_order": joor_after,
                "shopify_order": shopify_after,
                "colors": colours,
                "media": media,
                "paths": paths,
                "refused": refused,
                "variant_images": _variants_seen(plan),
                "retired": retired,
            },
        )
        if plan.attach:
            variants = variant_node_map(node, variant_keys=_variant_keys(link))
            colours_todo: dict[str, tuple[str, str, list[str]]] = {}
            for code, key in plan.attach.items():
                media_id = media.get(key)
                ids = [n["id"] for k, n in variants.items() if k.split("/", 1)[0] == _quoted(code)]
                if media_id and ids:
                    colours_todo[code] = (key, media_id, ids)
            if colours_todo:
                self.pending.append(
                    PendingAttach(link.pk, link.shopify_product_id, colours_todo, dict(plan.names))
                )


def _variants_seen(plan: ImagePlan) -> dict[str, str]:
    """The variants' images to keep as last seen: as shown now, except the colours whose change was
    not carried (kept as before, so the change is looked at again)."""
    before = plan.agreed.variant_images
    if plan.seen is None:
        return dict(before)
    seen = dict(plan.seen)
    for code in plan.held_colours:
        for variant_id in plan.variants_of.get(code, []):
            if variant_id in before:
                seen[variant_id] = before[variant_id]
            else:
                seen.pop(variant_id, None)
    return seen


def _quoted(code: str) -> str:
    from joorsync.sync.canonical import variant_key

    return variant_key(code, "x").split("/", 1)[0]


def _variant_keys(link: ProductLink) -> dict[str, tuple[str, str]]:
    from joorsync.sync.engine.pair import variant_keys_of

    return variant_keys_of(link)


def agreement_of(link: ProductLink) -> Agreed | None:
    row = ImageAgreement.objects.filter(link=link).first()
    if row is None:
        return None
    return Agreed(
        keys=list(row.keys or []),
        joor_order=list(row.joor_order or []),
        shopify_order=list(row.shopify_order or []),
        colors=dict(row.colors or {}),
        media=dict(row.media or {}),
        paths=dict(row.paths or {}),
        refused=dict(row.refused or {}),
        variant_images=dict(row.variant_images or {}),
        retired=list(row.retired or []),
    )
