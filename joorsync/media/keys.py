"""An image's identity on both sides: one key per image, carried in the file names the app gives.

- A JOOR image gets `j` + the first 10 hex digits of the SHA-1 of its stored path (JOOR's path is
  stable: it changes only when the image is uploaded again, which makes it another image).
- A Shopify media gets `s` + its numeric id.
- The copy the app makes on the other side is named `<readable stem>--<key>.<ext>`: Shopify keeps the
  given file name in the image's CDN URL (adding `_<uuid>` on a clash), JOOR keeps it with a random
  suffix of its own; either way `key_in_name` finds the key again, so a lost map is rebuilt.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote, unquote, urlsplit

from django.utils.text import slugify

#: Where JOOR serves the paths its style GET returns (`/img/uploads/…`); JOOR's own example gives
#: `https://cdn.jooraccess.com/img/style/…` for a badge image (docs/joor-api.md, v2 style page).
JOOR_IMAGE_HOST = "https://cdn.jooraccess.com"
KEY_MARK = "--"
_KEY = r"(?P<key>j[0-9a-f]{10}|s\d{1,20})"
# `<stem>--<key>` then Shopify's `_<uuid>` or JOOR's `-<token>` / `_<token>`, then the extension.
_NAMED = re.compile(KEY_MARK + _KEY + r"(?:[-_][0-9A-Za-z-]{1,40})?\.[A-Za-z0-9]{2,5}$")
STEM_LIMIT = 40  # JOOR's v2 upload takes names of at most 69 characters
IMAGE_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}


def joor_key(path: str) -> str:
    """The key of an image JOOR stores at `path`: the one in its name, else derived from the path."""
    return key_in_name(path) or "j" + hashlib.sha1(path.encode("utf-8")).hexdigest()[:10]  # noqa: S324


def shopify_key(media_id: str) -> str:
    return "s" + media_id.rsplit("/", 1)[-1].split("?", 1)[0]


def key_in_name(name_or_url: str) -> str | None:
    """The key a file name (or a URL ending in one) carries, if the app named it."""
    name = file_name(name_or_url)
    found = _NAMED.search(name)
    return found.group("key") if found else None


def file_name(name_or_url: str) -> str:
    """The last path segment of a URL or path, unquoted, without its query."""
    path = urlsplit(name_or_url).path if "://" in name_or_url else name_or_url.split("?", 1)[0]
    return unquote(path.rsplit("/", 1)[-1])


def readable_name(name_or_url: str) -> str:
    """An image's name as a merchant reads it in the history: its file name without the app's key."""
    name = file_name(name_or_url)
    found = _NAMED.search(name)
    return f"{name[: found.start()]}.{name.rsplit('.', 1)[1]}" if found else name


def named(stem_source: str, key: str, extension: str) -> str:
    """`<slug of the source's stem>--<key>.<extension>`, short enough for JOOR's 69 characters."""
    stem = file_name(stem_source).rsplit(".", 1)[0]
    found = _NAMED.search(file_name(stem_source))
    if found:
        stem = file_name(stem_source)[: found.start()]
    slug = slugify(stem)[:STEM_LIMIT].strip("-") or "image"
    return f"{slug}{KEY_MARK}{key}.{extension.lower().lstrip('.')}"


def extension_of(name_or_url: str, *, default: str = "jpg") -> str:
    name = file_name(name_or_url)
    return name.rsplit(".", 1)[1].lower() if "." in name else default


def joor_image_url(path: str) -> str:
    """A public URL for a JOOR image path (a full URL stays as it is)."""
    if path.startswith(("http://", "https://")):
        return path
    if path.startswith("//"):
        return "https:" + path
    if not path.startswith("/"):
        # `jooraccess.com/img/…` (JOOR's XML example) names its host without a scheme.
        return "https://" + quote(path, safe="/:")
    return JOOR_IMAGE_HOST + quote(path, safe="/")
