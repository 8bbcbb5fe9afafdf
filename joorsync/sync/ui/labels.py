"""What the merchant reads instead of the sync's internals: field paths as field names ("Price — Blue /
36", "Fabrication (JOOR)"), products by their title with links to them, people and resolutions in
words, a job's state with the problems it left.

The engine's paths, ids and event texts are made for the sync to be exact; a person deciding about a
product needs the names they know it by. Nothing here queries the database: the pages fetch what is
needed for a page of rows (`queries`) and pass it in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, unquote

from django.conf import settings
from django.urls import reverse

from joorsync.sync.canonical import JOOR_PREFIX, parse_variant_path, split_variant_key
from joorsync.sync.models import Conflict, ProductLink, SyncJob
from joorsync.sync.ui.diff import as_text, readable

#: Variant key (`C1/36`, as in a field path) → the colour's name, for the pages' variant labels.
VariantNames = Mapping[str, str]

PRODUCT_FIELD_LABELS = {
    "title": "Title",
    "description": "Description",
    "product_type": "Product type",
    "tags": "Tags",
    "images": "Images",
    "category": "Product category",
}
#: A colour's image on its Shopify variants: `images.color[<colour code>]`.
COLOUR_IMAGE_PREFIX = "images.color["
VARIANT_FIELD_LABELS = {
    "price": "Price",
    "compare_at_price": "Compare-at price",
    "inventory": "Stock",
    "barcode": "Barcode",
    "sku": "SKU",
    "color_name": "Colour name",
}
#: JOOR's own style fields (kept in Shopify as `joor.*` metafields) where the key alone reads badly.
JOOR_FIELD_NAMES = {
    "style_country_origin": "Country of origin",
    "minimum": "Minimum order",
    "colors": "Colours",
    "upcs": "UPCs",
    "style_id": "Style ID",
    "sku_id": "SKU ID",
}
#: Fields whose values are HTML (Shopify's description): compared and shown as their text.
HTML_FIELDS = frozenset({"description"})
SIDE_LABELS = {"shopify": "Shopify", "joor": "JOOR"}
RESOLUTION_SENTENCES: dict[str, str] = {
    Conflict.Resolution.KEEP_SHOPIFY: "the Shopify value was kept",
    Conflict.Resolution.KEEP_JOOR: "the JOOR value was kept",
    Conflict.Resolution.CUSTOM: "a new value was chosen",
    Conflict.Resolution.CLEAR: "the field was cleared on both sides",
    Conflict.Resolution.CONVERGED: "both sides came to agree",
    Conflict.Resolution.OWNERSHIP: "a field-ownership rule decided",
    Conflict.Resolution.RESTORED: "an earlier value was restored",
}
#: Event actions the log shows in other words than the action's own name.
ACTION_LABELS = {
    "updated": "Updated",
    "problem": "Not written",
    "write_failed": "Write failed",
    "stock_write_failed": "Stock write failed",
    "product_failed": "Side did not answer",
    "create_failed": "Create failed",
    "created_in_shopify": "Created in Shopify",
    "created_in_joor": "Created in JOOR",
    "deleted_in_joor": "Deleted in JOOR",
    "deleted_in_shopify": "Deleted in Shopify",
    "joor_style_unreadable": "JOOR style unreadable",
    "reverted_by_ownership": "Edit replaced",
    "price_not_representable": "Price held",
    "variant_one_side": "Variant held",
    "targeted_skipped": "Skipped",
    "ambiguous_match": "Ambiguous match",
    "summary": "Summary",
    "restore_requested": "Restore asked",
    "linked_by_hand": "Linked by hand",
    "unlinked": "Unlinked",
    "relinked": "Linked again",
    "resolution_undone": "Decision undone",
}
#: Why an unlinked row is unlinked, when the sync left no note of its own.
STATUS_REASONS: dict[str, str] = {
    ProductLink.Status.UNMATCHED_SHOPIFY: "No JOOR style matches this product",
    ProductLink.Status.UNMATCHED_JOOR: "No Shopify product matches this style",
    ProductLink.Status.AMBIGUOUS: "More than one product or style matches: link it by hand",
    ProductLink.Status.DELETED_SHOPIFY: "The product was deleted in Shopify",
    ProductLink.Status.DELETED_JOOR: "The style was deleted in JOOR",
    ProductLink.Status.UNLINKED: "Unlinked by hand",
}
ADMIN_HOST = "https://admin.shopify.com"

_GID = re.compile(r"gid://shopify/([A-Za-z]+)/(\d+)(?:\?[\w=&%.-]*)?")
# A product id the sentence already calls a product ("Shopify product gid://…"): named once.
_NAMED_GID = re.compile(r"(?:\b[Ss]hopify )?\b[Pp]roduct (gid://shopify/Product/(\d+))(?:\?[\w=&%.-]*)?")
_VARIANT_PATH = re.compile(r"variants\[([^\]\s]*)\](?:\.([a-z_]+))?")
# `joor.key` or `metafields.joor.key`, not inside an address (`http://joor.test/…`) or a longer word.
_JOOR_PATH = re.compile(r"(?<![\w/.:@-])(?:metafields\.)?joor\.([a-z][a-z0-9_]*)")
# A bare variant key in the engine's sentences: "Variant C1/36 only in …", "stock for C1/36 is …".
_KEY_IN_TEXT = re.compile(r"(?<=\bVariant )[^\s/]+/[^\s;,:]+|(?<=\bstock for )[^\s/]+/[^\s;,:]+")
_PERSON = re.compile(r"\b(?:sandbox:[\w.-]+|shopify-user:\d+)")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


# -- fields -------------------------------------------------------------------------------------


def humanize_key(key: str) -> str:
    """`source_of_materials` → "Source of materials"."""
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else key


def joor_field_label(key: str) -> str:
    return f"{JOOR_FIELD_NAMES.get(key) or humanize_key(key)} (JOOR)"


def variant_label(key: str, names: VariantNames | None = None) -> str:
    """`C1/36` → "Blue / 36": the colour's name where known, else its code."""
    try:
        code, size = split_variant_key(key)
    except ValueError:
        return unquote(key)
    name = (names or {}).get(key) or code
    return f"{name} / {size}"


def field_label(path: str, names: VariantNames | None = None) -> str:
    """Any field path the sync compares, as the merchant calls the field."""
    if path in PRODUCT_FIELD_LABELS:
        return PRODUCT_FIELD_LABELS[path]
    if path.startswith(COLOUR_IMAGE_PREFIX) and path.endswith("]"):
        code = path[len(COLOUR_IMAGE_PREFIX) : -1]
        colour = next(
            (n for k, n in (names or {}).items() if k.split("/", 1)[0] == quote(code, safe="")), code
        )
        return f"Colour image — {colour}"
    if path.startswith("price_list[") and "].variants[" in path and path.endswith("]"):
        name, _, key = path[len("price_list[") : -1].partition("].variants[")
        return f"Price list {name} — {variant_label(key, names)}"
    if path.startswith(JOOR_PREFIX):
        return joor_field_label(path[len(JOOR_PREFIX) :])
    if path.startswith("joor."):
        return joor_field_label(path[len("joor.") :])
    parsed = parse_variant_path(path)
    if parsed is not None:
        key, attribute = parsed
        variant = variant_label(key, names)
        if not attribute:
            return f"Variant — {variant}"
        return f"{VARIANT_FIELD_LABELS.get(attribute) or humanize_key(attribute)} — {variant}"
    return humanize_key(path)


def field_filter_term(text: str) -> str:
    """What a person types to filter by field ("Stock", "compare-at price", "Fabrication (JOOR)") as
    the path or path segment it names; a path typed as it is stays as it is."""
    typed = text.strip()
    if not typed or any(c in typed for c in "[]."):
        return typed
    words = typed.lower().removesuffix("(joor)").strip()
    named = {
        label.lower(): key for key, label in (*PRODUCT_FIELD_LABELS.items(), *VARIANT_FIELD_LABELS.items())
    }
    named["color name"] = "color_name"
    return named.get(words) or words.replace(" ", "_").replace("-", "_")


def field_labels(paths: Iterable[str], names: VariantNames | None = None, *, limit: int = 12) -> str:
    """Several fields in a line: "Title, Price — Blue / 36 and 3 more"."""
    listed = list(paths)
    shown = ", ".join(field_label(p, names) for p in listed[:limit])
    return shown + (f" and {len(listed) - limit} more" if len(listed) > limit else "")


def variant_names_of(snapshot: Mapping[str, Any] | None) -> dict[str, str]:
    """The colour names a product's last-synced snapshot holds, by variant key."""
    names: dict[str, str] = {}
    for path, value in (snapshot or {}).items():
        parsed = parse_variant_path(path)
        if parsed is not None and parsed[1] == "color_name" and isinstance(value, str) and value:
            names[parsed[0]] = value
    return names


def variant_keys_in(*texts: str) -> set[str]:
    """The variant keys a field path or an event's sentence names (to look up their colour names)."""
    keys: set[str] = set()
    for text in texts:
        keys.update(match.group(1) for match in _VARIANT_PATH.finditer(text))
        keys.update(match.group(0) for match in _KEY_IN_TEXT.finditer(text))
    return keys


def shopify_gids_in(*texts: str) -> set[str]:
    return {f"gid://shopify/{m.group(1)}/{m.group(2)}" for text in texts for m in _GID.finditer(text)}


# -- values -------------------------------------------------------------------------------------


def value_text(path: str, value: Any) -> str:
    """A field's value as a person reads it: a description as its text (only descriptions hold
    HTML: a title with `<b>` in it is that text), tags as a list, a whole variant as its fields."""
    if value is None:
        return "(empty)"
    if path in HTML_FIELDS:
        return readable(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value) if value else "(none)"
    parsed = parse_variant_path(path)
    if isinstance(value, dict) and parsed is not None and not parsed[1]:
        return "\n".join(
            f"{VARIANT_FIELD_LABELS.get(k) or humanize_key(k)}: {as_text(v)}" for k, v in value.items()
        )
    return as_text(value)


# -- people, sides, resolutions -----------------------------------------------------------------


def person_label(who: str) -> str:
    """Who decided (`resolved_by`, link notes): a person's words for the app's user labels."""
    if who.startswith("shopify-user:"):
        return f"staff member #{who.split(':', 1)[1]}"
    if who.startswith("sandbox:"):
        return "you (sandbox sign-in)"
    if who == "sync":
        return "the sync"
    return who


def side_label(side: str) -> str:
    return SIDE_LABELS.get(side, humanize_key(side) if side else "—")


def resolution_sentence(resolution: str) -> str:
    """What a resolution did, to follow "Resolved: " (as in "the JOOR value was kept")."""
    return RESOLUTION_SENTENCES.get(resolution, humanize_key(resolution).lower() if resolution else "")


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action) or humanize_key(action)


def _gid_words(kind: str, number: str) -> str:
    return f"Shopify {_CAMEL.sub(' ', kind).lower()} {number}"


def humanize_text(
    text: str, *, names: VariantNames | None = None, products: Mapping[str, str] | None = None
) -> str:
    """A sentence from the sync (an event, a problem, a link's note) with its field paths, variant
    keys, Shopify ids and user labels in a person's words."""
    if not text:
        return text
    known = products or {}

    def gid(match: re.Match[str]) -> str:
        plain = f"gid://shopify/{match.group(1)}/{match.group(2)}"
        return known.get(plain) or _gid_words(match.group(1), match.group(2))

    def variant(match: re.Match[str]) -> str:
        return field_label(match.group(0), names)

    def named_gid(match: re.Match[str]) -> str:
        return known.get(match.group(1)) or _gid_words("Product", match.group(2))

    out = _NAMED_GID.sub(named_gid, text)
    out = _GID.sub(gid, out)
    out = _VARIANT_PATH.sub(variant, out)
    out = _JOOR_PATH.sub(lambda m: joor_field_label(m.group(1)), out)
    out = _KEY_IN_TEXT.sub(lambda m: variant_label(m.group(0), names), out)
    return _PERSON.sub(lambda m: person_label(m.group(0)), out)


# -- products -----------------------------------------------------------------------------------


def numeric_id(gid: str) -> str:
    """`gid://shopify/Product/123` → `123`; "" for anything else."""
    number = gid.rsplit("/", 1)[-1] if gid.startswith("gid://shopify/") else ""
    return number if number.isdigit() else ""


def shopify_product_admin_url(*, shop_domain: str, shopify_product_id: str) -> str:
    """The product's page in the Shopify admin; "" without a product id."""
    number = numeric_id(shopify_product_id)
    if not number or not shop_domain:
        return ""
    return f"{ADMIN_HOST}/store/{shop_domain.split('.', 1)[0]}/products/{number}"


def link_page_url(link_id: int) -> str:
    """Where the app shows one product's link row."""
    return f"{reverse('ui:links')}?link={link_id}"


def joor_style_url(*, style_id: int | None, style_number: str = "") -> str:
    """The style's page in JOOR's web app (`JOOR_STYLE_URL_TEMPLATE`); "" when unset or no style."""
    template = settings.JOOR_STYLE_URL_TEMPLATE
    if not template or not style_id:
        return ""
    return template.replace("{style_id}", str(int(style_id))).replace("{style_number}", quote(style_number))


@dataclass(frozen=True)
class ProductRef:
    """A product as a page names it: its title, style number, and where to open it."""

    name: str
    style_number: str = ""
    admin_url: str = ""
    app_url: str = ""
    joor_url: str = ""
    history_url: str = ""
    image_url: str = ""

    def __str__(self) -> str:
        return self.name

    @property
    def style_note(self) -> str:
        """The style number shown next to the name, unless the name already is it."""
        return self.style_number if self.style_number and self.style_number not in self.name else ""


def product_name(link: ProductLink) -> str:
    """The name a person knows a product by: its Shopify title, else JOOR's, else the style number."""
    if link.shopify_title or link.joor_name:
        return link.shopify_title or link.joor_name
    if link.style_number:
        return f"Style {link.style_number}"
    if link.shopify_product_id:
        return _gid_words("Product", numeric_id(link.shopify_product_id) or "?")
    return f"JOOR style {link.joor_style_id}" if link.joor_style_id else f"Product {link.pk}"


def product_ref(link: ProductLink, *, shop_domain: str) -> ProductRef:
    return ProductRef(
        name=product_name(link),
        style_number=link.style_number,
        admin_url=shopify_product_admin_url(
            shop_domain=shop_domain, shopify_product_id=link.shopify_product_id
        ),
        app_url=link_page_url(link.pk) if link.pk else "",
        joor_url=joor_style_url(style_id=link.joor_style_id, style_number=link.style_number),
        history_url=reverse("ui:product_history", args=[link.pk]) if link.pk else "",
        image_url=link.image_url,
    )


def product_ref_for_subject(
    subject: str, *, title: str = "", link: ProductLink | None = None, shop_domain: str
) -> ProductRef:
    """A problem's product: its link when it has one, else what its subject says
    (`shopify:<gid>`, `joor:<style id>`)."""
    if link is not None:
        ref = product_ref(link, shop_domain=shop_domain)
        return replace(ref, name=title or ref.name)
    kind, _, ident = subject.partition(":")
    if kind == "shopify":
        return ProductRef(
            name=title or _gid_words("Product", numeric_id(ident) or "?"),
            admin_url=shopify_product_admin_url(shop_domain=shop_domain, shopify_product_id=ident),
        )
    if kind == "joor":
        style_id = int(ident) if ident.isdigit() else None
        return ProductRef(name=title or f"JOOR style {ident}", joor_url=joor_style_url(style_id=style_id))
    return ProductRef(name=title or "A product")


def link_reason(link: ProductLink, *, products: Mapping[str, str] | None = None) -> str:
    """Why a row is not a synced pair: the sync's note (the products it quotes by name when
    `products` knows them), else what its status means."""
    if link.status == ProductLink.Status.LINKED:
        return ""
    note = humanize_text(link.note, products=products) if link.note else ""
    return note[:1].upper() + note[1:] if note else STATUS_REASONS.get(link.status, "")


# -- jobs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobState:
    """A job's status as its badge reads, and the badge's tone (a CSS class)."""

    text: str
    tone: str


_TONES: dict[str, str] = {
    SyncJob.Status.QUEUED: "status queued",
    SyncJob.Status.RUNNING: "status running",
    SyncJob.Status.SUCCEEDED: "status succeeded",
    SyncJob.Status.FAILED: "status failed",
    SyncJob.Status.CANCELLED: "status cancelled",
}


def job_state(job: SyncJob, *, problems: int = 0) -> JobState:
    """The status in words, and "Succeeded with 2 problems" in a warning tone when the job left
    problems or conflicts behind: a green badge must not hide them."""
    if job.status == SyncJob.Status.SUCCEEDED and problems:
        return JobState(f"Succeeded with {problems} problem{'s' if problems != 1 else ''}", "badge warn")
    return JobState(job.get_status_display(), _TONES.get(job.status, "status"))
