"""Staged upload targets for media and files, and the sandbox's media controls.

stagedUploadsCreate for IMAGE, FILE, VIDEO and MODEL_3D answers the target shapes recorded in 2026-04
staged-upload-targets-parity and media-staged-uploads-create-default-http-method: POST targets carry
Shopify's signed form fields, an omitted `httpMethod` means PUT (a signed URL, fields `content_type` and
`acl`). The URLs point at the sandbox, so the bytes land here and fileCreate / productSet can read them
back from the target's `resourceUrl`.

Routes (see `app.py`):
  PUT  /_sandbox/staged-uploads/{key}          the upload of a PUT target (any 2xx body, as GCS answers)
  POST /_sandbox/media/failing-urls            {"urls": [...]} — these sources fail processing from now
                                               on; {"clear": true} forgets them
  POST /_sandbox/media/process                 every file still processing finishes now
"""

from __future__ import annotations

import json
import re
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from shopify_app.sandbox.media import IMAGE_TYPES
from shopify_app.sandbox.models import shop_number
from shopify_app.sandbox.resolvers import Context

if TYPE_CHECKING:
    from shopify_app.sandbox.app import ShopifySandbox

STAGED_PUT = re.compile(r"^/_sandbox/staged-uploads/(?P<key>.+)$")
IMAGE_RESOURCES = {"IMAGE", "PRODUCT_IMAGE", "COLLECTION_IMAGE", "SHOP_IMAGE"}
FOLDERS = {"IMAGE": "products", "PRODUCT_IMAGE": "products", "COLLECTION_IMAGE": "collections"}
SIGNED_ACCOUNTS = {
    # Recorded values of Shopify's own signing accounts (public in every target it hands out).
    "VIDEO": "video-production@video-production-225115.iam.gserviceaccount.com",
    "MODEL_3D": "threed-model-service-prod@threed-model-service.iam.gserviceaccount.com",
}
FILE_SIZE_REQUIRED = {"VIDEO": "video resources", "MODEL_3D": "3D model resources"}


def media_staged_target(
    context: Context, item: dict[str, Any], index: int
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(target, None) or (None, user error) for one StagedUploadInput that is not bulk variables."""
    from shopify_app.sandbox.bulk import _signed_parameters  # the GOOG4 form fields bulk uploads use

    resource = item["resource"]
    path = ["input", str(index)]
    if resource in FILE_SIZE_REQUIRED and item.get("fileSize") is None:
        message = f"file size is required for {FILE_SIZE_REQUIRED[resource]}"
        return None, {"field": [*path, "fileSize"], "message": message}
    if resource in IMAGE_RESOURCES and item["mimeType"] not in set(IMAGE_TYPES.values()) | {"image/jpg"}:
        message = f"{item['filename']}: ({item['mimeType']}) is not a recognized format"
        return None, {"field": [*path, "mimeType"], "message": message}
    state = context.state
    base = f"{context.sandbox.base_url_for(context)}/_sandbox/staged-uploads"
    if resource in SIGNED_ACCOUNTS:
        key = f"{resource.lower()}/{uuid.uuid4().hex}/{item['filename']}"
        state.staged_uploads.setdefault(key, None)
        fields = [
            ("GoogleAccessId", SIGNED_ACCOUNTS[resource]),
            ("key", key),
            ("policy", _policy(context, key)),
            ("signature", _policy(context, key + "signature")),
        ]
        return {
            "url": base,
            "resourceUrl": f"{base}/{quote(key)}",
            "parameters": [{"name": n, "value": v} for n, v in fields],
        }, None
    folder = FOLDERS.get(resource, "files")
    key = f"tmp/{shop_number(state.domain)}/{folder}/{uuid.uuid4()}/{item['filename']}"
    state.staged_uploads.setdefault(key, None)
    resource_url = f"{base}/{quote(key)}"
    if (item.get("httpMethod") or "PUT") == "PUT":
        stamp = state.now().replace("-", "").replace(":", "")
        signature = _policy(context, key)
        signed = (
            f"?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=sandbox-staged-uploads%40shopify-sandbox.invalid"
            f"%2F{stamp[:8]}%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date={stamp}&X-Goog-Expires=604800"
            f"&X-Goog-SignedHeaders=content-type%3Bhost%3Bx-goog-acl&X-Goog-Signature={signature}"
        )
        parameters = [
            {"name": "content_type", "value": item["mimeType"]},
            {"name": "acl", "value": "private"},
        ]
        return {"url": resource_url + signed, "resourceUrl": resource_url, "parameters": parameters}, None
    return {
        "url": base,
        "resourceUrl": resource_url,
        "parameters": _signed_parameters(context, item["mimeType"], key),
    }, None


def _policy(context: Context, text: str) -> str:
    import hashlib
    import hmac

    secret = context.sandbox.config.api_secret.encode()
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


# ----- routes -------------------------------------------------------------------------------------
def route(sandbox: ShopifySandbox, method: str, path: str, environ: dict[str, Any]) -> tuple[int, Any] | None:
    """The answer (status, body) to a media route, or None when the path is not one."""
    match = STAGED_PUT.match(path)
    if match is not None and method == "PUT":
        key = unquote(match["key"])
        data = sandbox._body(environ)
        with sandbox.lock:
            for state in sandbox.shops.values():
                if key in state.staged_uploads:
                    state.staged_uploads[key] = data
                    return 200, b""
        return 403, "Unknown upload key"
    if path not in ("/_sandbox/media/failing-urls", "/_sandbox/media/process"):
        return None
    if method != "POST":
        return 405, {"errors": "Method Not Allowed"}
    shop = sandbox._shop_from(environ, sandbox._query(environ).get("shop"))
    if shop is None:
        return 404, {"errors": "Not Found"}
    try:
        data = json.loads(sandbox._body(environ) or b"{}")
    except ValueError:
        return 400, {"errors": "Malformed JSON body"}
    if not isinstance(data, dict):
        return 400, {"errors": "Expected a JSON object"}
    with sandbox.lock:
        media = sandbox.shops[shop].media
        if path.endswith("/process"):
            pending = [f for f in media.files.values() if f.created_clock > float("-inf")]
            for record in pending:
                record.created_clock = float("-inf")
                record.pending_clock = float("-inf")
            return 200, {"files": len(pending)}
        if data.get("clear"):
            media.failing_urls.clear()
        urls = data.get("urls") or []
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            return 400, {"errors": "urls must be a list of strings"}
        media.failing_urls.update(urls)
        return 200, {"failingUrls": sorted(media.failing_urls)}
