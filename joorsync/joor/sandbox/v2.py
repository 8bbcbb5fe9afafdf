"""v2 style endpoints: listing with paging and date windows, by id, by number, writes, bulk inventory.

Bulk inventory, `POST|PUT /v2/bulk-inventory` [https://api-docs.jooraccess.com/v2.0/reference/introduction-6]
[https://api-docs.jooraccess.com/v2.0/reference/style-inventory-bulk-request]:
- `overwrite` missing = 0. With 0 only the SKUs in the call change: each is set to the absolute quantity
  sent (JOOR documents no additive mode). With 1 the account's inventory is replaced completely: the
  listed SKUs are set and every other SKU of the account is set to 0 (the sandbox's reading of "the
  inventory is overwritten completely for the account"; what happens to unlisted SKUs is not spelled
  out). Anything but 0/1 is refused with 400 (sandbox convenience).
- `dec_pending` 0/1 is accepted and has no effect (the sandbox has no pending-order allocation).
- Items: `inventory_items` → `inventory_item` (1..n), or a bare list (zumzie, clients.md §1.2).
  SKU by `upc` (preferred), else `style_number` + `style_identifer` (sic; `style_identifier` tolerated)
  + `color_code` + `size`/`size_code`, else `style_id` + `color_code` + `size`/`size_code`.
  `inventory` (integer) is required. `made_to_order: true` marks the SKU made to order and clears its
  inventory to 0 (`false` unmarks it).
- `warehouse`: JOOR's bulk page says required, its intro says a missing warehouse loads to the Default
  warehouse; the sandbox follows the intro and reads a missing one as "Default". Stock is kept per
  SKU and warehouse; `inventory_available` is the SKU's total over warehouses, and `overwrite=1` zeroes
  every SKU × warehouse the call does not set. Warehouses that are not set up: see `warehouses`.
  `made_to_order: true` clears the SKU's stock in every warehouse.
- Answer: `sku_count` (items that passed) and `inventory_log`, one line per item with `sku`,
  `inventory_log_id` (a UUID string, as JOOR's field table says
  [https://api-docs.jooraccess.com/v2.0/reference/style-individual-request]), `status` pass/fail and,
  for a failure, `message`. JOOR's own answer example is not readable; the line layout is the sandbox's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .dates import BadDate, in_window, is_date_only, parse_bound
from .defaults import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .http import Request, Response, content_type_for, v2_document, v2_error
from .model import StyleRecord
from .render import Repeated, envelope, render_styles
from .views import style_view
from .warehouses import DEFAULT_WAREHOUSE, clear_stock, resolve, set_stock, stock_of
from .writes import WriteError, apply_changes, as_list, new_style, unique_number_problem, validate_changes

if TYPE_CHECKING:
    from .app import JoorSandbox


class BadRequest(Exception):
    """A request refused with 400 and an envelope."""


def int_param(req: Request, name: str, default: int, *, low: int, high: int | None = None) -> int:
    raw = req.arg(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if not text.lstrip("-").isdigit():
        raise BadRequest(f"{name} must be an integer, got {raw!r}")
    value = int(text)
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise BadRequest(f"{name} must be {bound}, got {value}")
    return value


def date_window(req: Request, start_name: str, end_name: str) -> Callable[[datetime], bool] | None:
    """A predicate for a start/end pair of query parameters, None when neither is given."""
    start_raw, end_raw = req.arg(start_name), req.arg(end_name)
    if not start_raw and not end_raw:
        return None
    if not start_raw or not end_raw:
        missing = start_name if not start_raw else end_name
        raise BadRequest(
            f"{missing} is required when {end_name if missing == start_name else start_name} is given"
        )
    try:
        start = parse_bound(start_raw, end=False)
        end = parse_bound(end_raw, end=True)
    except BadDate as exc:
        raise BadRequest(str(exc)) from exc
    if end < start:
        raise BadRequest(f"{start_name} is after {end_name}")
    exclusive = is_date_only(end_raw)
    return lambda moment: in_window(moment, start, end, end_exclusive=exclusive)


def _styles_answer(
    sb: JoorSandbox, req: Request, fmt: str, styles: list[StyleRecord], **env: Any
) -> Response:
    catalog = sb.catalog
    body = render_styles(
        envelope(log_id=req.log_id, **env),
        [(style_view(catalog, s), s.quirk_key) for s in styles],
        fmt,
    )
    return Response(200, body, content_type_for(fmt))


def list_styles(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    count = int_param(req, "count", DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    start_from = int_param(req, "start_from", 0, low=0)
    created = date_window(req, "date_created_start", "date_created_end")
    modified = date_window(req, "date_start", "date_end")
    selected = [
        style
        for style in sb.catalog.sorted_styles()
        if (created is None or created(style.created)) and (modified is None or modified(style.modified))
    ]
    page = selected[start_from : start_from + count]
    more = start_from + len(page) < len(selected)
    return _styles_answer(
        sb,
        req,
        fmt,
        page,
        start_from=start_from,
        next_start=start_from + len(page) if more else None,
        count=len(page),
    )


def style_by_id(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    raw = req.segment("style_id")
    style = sb.catalog.styles.get(int(raw)) if raw.isdigit() else None
    if style is None:
        return v2_error(404, f"Style {raw} not found", log_id=req.log_id, fmt=fmt)
    return _styles_answer(sb, req, fmt, [style], count=1)


def by_number(sb: JoorSandbox, req: Request) -> StyleRecord | None:
    return sb.catalog.find_by_number(req.segment("style_number"), req.segment("style_identifier"))


def style_by_number(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    style = by_number(sb, req)
    if style is None:
        return v2_error(
            404,
            f"Style {req.segment('style_number')}/{req.segment('style_identifier')} not found",
            log_id=req.log_id,
            fmt=fmt,
        )
    return _styles_answer(sb, req, fmt, [style], count=1)


def _style_body(req: Request) -> dict[str, Any]:
    try:
        data = req.document_body()
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    if isinstance(data, dict) and set(data) == {"styles"}:
        data = data["styles"]
        styles = as_list(data, "style")
        if len(styles) != 1:
            raise BadRequest("send exactly one style per request (use bulk-style for several)")
        data = {"style": styles[0]}
    if not isinstance(data, dict) or not isinstance(data.get("style"), dict):
        raise BadRequest('body must be {"style": {...}} (or <style>...</style>) in v2 field names')
    return data["style"]


def _delivery_overwrite(req: Request, raw: dict[str, Any]) -> int:
    value = req.arg("delivery_overwrite") or raw.get("delivery_overwrite") or 1
    text = str(value).strip()
    if text not in ("1", "2", "3", "4"):
        raise BadRequest("delivery_overwrite must be 1, 2, 3 or 4")
    return int(text)


def write_style(
    sb: JoorSandbox,
    raw: Any,
    style: StyleRecord | None,
    *,
    delivery_overwrite: int = 1,
    creating_requires_variants: bool = True,
) -> tuple[StyleRecord, bool]:
    """Validate and apply a v2 style object; creates the style when `style` is None (a v2 create needs
    prices, colors and sizes; a v4 product is created bare). Returns the style and whether it was
    created. Moves the modified date to now."""
    catalog = sb.catalog
    changes = validate_changes(
        catalog, raw, existing=style, creating=style is None and creating_requires_variants
    )
    problem = unique_number_problem(catalog, style, changes)
    if problem:
        raise WriteError([problem])
    now = sb.now()
    created = style is None
    if style is None:
        style = new_style(catalog, now=now)
        catalog.styles[style.style_id] = style
    apply_changes(catalog, style, changes, delivery_overwrite=delivery_overwrite)
    style.modified = now
    return style, created


def _write_answer(sb: JoorSandbox, req: Request, fmt: str, style: StyleRecord, comment: str) -> Response:
    return _styles_answer(sb, req, fmt, [style], comment=comment, count=1)


def create_style(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    raw = _style_body(req)
    overwrite = _delivery_overwrite(req, raw)
    number, identifier = raw.get("style_number"), raw.get("style_identifier")
    existing = sb.catalog.find_by_number(str(number), str(identifier)) if number and identifier else None
    try:
        style, created = write_style(sb, raw, existing, delivery_overwrite=overwrite)
    except WriteError as exc:
        return v2_error(400, "; ".join(exc.problems), log_id=req.log_id, fmt=fmt)
    return _write_answer(sb, req, fmt, style, "Style created" if created else "Style updated")


def update_style(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    style = by_number(sb, req)
    if style is None:
        return v2_error(404, "Style not found", log_id=req.log_id, fmt=fmt)
    raw = _style_body(req)
    overwrite = _delivery_overwrite(req, raw)
    try:
        write_style(sb, raw, style, delivery_overwrite=overwrite)
    except WriteError as exc:
        return v2_error(400, "; ".join(exc.problems), log_id=req.log_id, fmt=fmt)
    return _write_answer(sb, req, fmt, style, "Style updated")


def delete_style(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    style = by_number(sb, req)
    if style is None:
        return v2_error(404, "Style not found", log_id=req.log_id, fmt=fmt)
    del sb.catalog.styles[style.style_id]
    sb.catalog.touch(style)
    doc = {"response": envelope(comment="Style deleted", log_id=req.log_id), "style_id": style.style_id}
    return v2_document(200, doc, fmt)


# ---------------------------------------------------------------------------------------------
# Inventory
# ---------------------------------------------------------------------------------------------


def _inventory_value(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    return None


def _match_item(sb: JoorSandbox, item: dict[str, Any]) -> tuple[StyleRecord, str, str] | str:
    """(style, color_code, size) an inventory item names, or the reason it names none. UPC first."""
    catalog = sb.catalog
    upc = item.get("upc")
    if upc not in (None, ""):
        found = catalog.find_upc(str(upc))
        if found is not None:
            upc_style, entry = found
            return upc_style, str(entry["sku_color_code"]), str(entry["sku_size"])
    style: StyleRecord | None = None
    if item.get("style_id") not in (None, ""):
        sid = str(item["style_id"])
        style = catalog.styles.get(int(sid)) if sid.isdigit() else None
    else:
        number = item.get("style_number")
        identifier = item.get("style_identifer", item.get("style_identifier"))
        if number not in (None, "") and identifier not in (None, ""):
            style = catalog.find_by_number(str(number), str(identifier))
    if style is None:
        if upc not in (None, ""):
            return f"UPC {upc} not found"
        return "style not found (send upc, or style_number + style_identifer, or style_id)"
    color = item.get("color_code")
    size = item.get("size")
    if size in (None, "") and item.get("size_code") not in (None, ""):
        size = next(
            (s["size_name"] for s in style.sizes if s.get("size_code") == str(item["size_code"])), None
        )
    if color in (None, "") or size in (None, ""):
        return "color_code and size are required without a known upc"
    if (str(color), str(size)) not in style.sku_ids:
        return f"style {style.style_id} has no SKU for color {color} / size {size}"
    return style, str(color), str(size)


def single_inventory(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    """`PUT /v2/style-number/{sn}/{sid}/inventory/?color_code=&size=&inventory=` (or `?upc=&inventory=`):
    one SKU's inventory, set outright."""
    style = by_number(sb, req)
    if style is None:
        return v2_error(404, "Style not found", log_id=req.log_id, fmt=fmt)
    quantity = _inventory_value(req.arg("inventory"))
    if quantity is None:
        raise BadRequest("inventory is required and must be an integer")
    item: dict[str, Any] = {
        "style_id": style.style_id,
        "upc": req.arg("upc"),
        "color_code": req.arg("color_code"),
        "size": req.arg("size"),
    }
    matched = _match_item(sb, item)
    if isinstance(matched, str) or matched[0] is not style:
        raise BadRequest(matched if isinstance(matched, str) else "the UPC belongs to another style")
    _, color, size = matched
    warehouse, set_up = resolve(sb.catalog, req.arg("warehouse"))
    if not set_up and sb.config.strict_warehouses:
        raise BadRequest(f"warehouse {warehouse!r} is not set up in Order Settings")
    _set_inventory(sb, style, color, size, quantity, warehouse=warehouse)
    comment = "Inventory updated" if set_up else f"Inventory updated; {_not_set_up(warehouse)}"
    doc = {"response": envelope(comment=comment, log_id=req.log_id), "sku_count": 1}
    return v2_document(200, doc, fmt)


def _not_set_up(warehouse: str) -> str:
    return (
        f"warehouse {warehouse!r} is not set up in Order Settings: JOOR documents unexpected results "
        "for such writes"
    )


def _set_inventory(
    sb: JoorSandbox,
    style: StyleRecord,
    color: str,
    size: str,
    quantity: int,
    *,
    warehouse: str | None = None,
    made_to_order: bool | None = None,
) -> None:
    """Set one SKU's inventory in one warehouse (Default when None) to an absolute `quantity`; a SKU
    made to order holds none anywhere."""
    row = style.upc_entry(color, size)
    if row is None:
        row = {"sku_color_code": color, "sku_size": size, "upc": None, "inventory_available": 0}
        style.upcs.append(row)
    if made_to_order is not None:
        row["made_to_order"] = made_to_order
    name = warehouse or DEFAULT_WAREHOUSE
    row["warehouse"] = name
    if row.get("made_to_order"):
        clear_stock(row)
    else:
        set_stock(row, name, quantity)
    style.modified = sb.now()


def _zero_unlisted(sb: JoorSandbox, listed: set[tuple[int, str, str, str]]) -> None:
    """`overwrite=1`: every SKU × warehouse of the account not set by the call goes to 0 (only styles
    whose stock actually changes get a new modified date)."""
    for style in sb.catalog.styles.values():
        changed = False
        for row in style.upcs:
            key = (style.style_id, str(row.get("sku_color_code")), str(row.get("sku_size")))
            keep = {w for (*k, w) in listed if tuple(k) == key}
            if any(qty for name, qty in stock_of(row).items() if name not in keep):
                changed = clear_stock(row, keep) or changed
        if changed:
            style.modified = sb.now()


def _made_to_order(raw: Any) -> bool | None | str:
    """The item's `made_to_order` (None when absent), or a problem text."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    return "made_to_order must be a boolean"


def bulk_inventory(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    """`POST|PUT /v2/bulk-inventory`: see the module docstring for the rules and their sources."""
    try:
        data = req.document_body()
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    if not isinstance(data, dict) or "inventory_items" not in data:
        raise BadRequest('body must be {"inventory_items": {"inventory_item": [...]}}')
    items = as_list(data["inventory_items"], "inventory_item")
    if not items:
        raise BadRequest("inventory_items holds no inventory_item")
    overwrite = (req.arg("overwrite") or "0").strip()
    if overwrite not in ("0", "1") or (req.arg("dec_pending") or "0").strip() not in ("0", "1"):
        raise BadRequest("overwrite and dec_pending must be 0 or 1")
    log: list[dict[str, Any]] = []
    listed: set[tuple[int, str, str, str]] = set()
    for item in items:
        entry: dict[str, Any] = {"inventory_log_id": str(uuid.uuid4())}
        if not isinstance(item, dict):
            log.append({"sku": "", **entry, "status": "fail", "message": "inventory_item must be an object"})
            continue
        sku = str(
            item.get("upc")
            or "/".join(
                str(item.get(k) or "") for k in ("style_number", "style_identifer", "color_code", "size")
            )
        )
        entry = {"sku": sku, **entry}
        problems = []
        quantity = _inventory_value(item.get("inventory"))
        if quantity is None:
            problems.append("inventory is required and must be an integer")
        made_to_order = _made_to_order(item.get("made_to_order"))
        if isinstance(made_to_order, str):
            problems.append(made_to_order)
        matched = _match_item(sb, item) if not problems else None
        if isinstance(matched, str):
            problems.append(matched)
        if problems or not isinstance(matched, tuple) or quantity is None or isinstance(made_to_order, str):
            log.append({**entry, "status": "fail", "message": "; ".join(problems)})
            continue
        style, color, size = matched
        warehouse, set_up = resolve(sb.catalog, item.get("warehouse"))
        if not set_up and sb.config.strict_warehouses:
            log.append({**entry, "status": "fail", "message": _not_set_up(warehouse)})
            continue
        _set_inventory(sb, style, color, size, quantity, warehouse=warehouse, made_to_order=made_to_order)
        listed.add((style.style_id, color, size, warehouse))
        log.append({**entry, "status": "pass", **({} if set_up else {"message": _not_set_up(warehouse)})})
    if overwrite == "1":
        _zero_unlisted(sb, listed)
    doc = {
        "response": envelope(log_id=req.log_id),
        "sku_count": sum(1 for e in log if e["status"] == "pass"),
        "inventory_log": Repeated("log", log, json_wrapped=False),
    }
    return v2_document(200, doc, fmt)


# ---------------------------------------------------------------------------------------------
# Bulk styles
# ---------------------------------------------------------------------------------------------

MAX_BULK_STYLES = 1000


def _job_view(job: dict[str, Any]) -> dict[str, Any]:
    """A bulk job as JOOR lists it, with the per-style outcome once the job has finished."""
    finished = job["status"] == "finished"
    return {
        "bulk_styles_job_id": job["id"],
        "status": job["status"],
        "created": job["created"].replace(microsecond=0),
        "modified": job["modified"].replace(microsecond=0),
        "style_record_count": job["count"],
        "style_record_progress": job["count"] if finished else 0,
        "style_log": Repeated("style", job["log"] if finished else [], json_wrapped=False),
    }


def _jobs_document(req: Request, job: dict[str, Any]) -> dict[str, Any]:
    jobs = Repeated("bulk_styles_job", [_job_view(job)], json_wrapped=False)
    return {"bulk_styles": {"response": envelope(log_id=req.log_id), "bulk_styles_jobs": jobs}}


def bulk_styles(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    """`POST /v2/bulk-style`: many style upserts (by style number + identifier) in one request. The work
    is done at once; the job answers "queued" here and "finished", with a per-style log, when read."""
    try:
        data = req.document_body()
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    if not isinstance(data, dict) or "styles" not in data:
        raise BadRequest('body must be {"styles": {"style": [...]}}')
    styles = as_list(data["styles"], "style")
    if not styles:
        raise BadRequest("styles holds no style")
    if len(styles) > MAX_BULK_STYLES:
        raise BadRequest(f"at most {MAX_BULK_STYLES} styles per bulk request, got {len(styles)}")
    overwrite = _delivery_overwrite(req, {})
    catalog = sb.catalog
    now = sb.now()
    log: list[dict[str, Any]] = []
    for raw in styles:
        number = raw.get("style_number") if isinstance(raw, dict) else None
        identifier = raw.get("style_identifier") if isinstance(raw, dict) else None
        entry: dict[str, Any] = {"style_number": number, "style_identifier": identifier}
        existing = catalog.find_by_number(str(number), str(identifier)) if number and identifier else None
        try:
            style, created = write_style(sb, raw, existing, delivery_overwrite=overwrite)
        except WriteError as exc:
            log.append({**entry, "status": "fail", "message": "; ".join(exc.problems)})
            continue
        log.append(
            {
                **entry,
                "style_id": style.style_id,
                "status": "pass",
                "message": "created" if created else "updated",
            }
        )
    job_id = 9000 + len(catalog.bulk_jobs) + 1
    job = {
        "id": job_id,
        "status": "queued",
        "created": now,
        "modified": now,
        "count": len(styles),
        "log": log,
    }
    catalog.bulk_jobs[job_id] = job
    doc = _jobs_document(req, job)
    return v2_document(200, doc, fmt)


def bulk_style_job(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    raw = req.segment("job_id")
    job = sb.catalog.bulk_jobs.get(int(raw)) if raw.isdigit() else None
    if job is None:
        return v2_error(404, f"Bulk style job {raw} not found", log_id=req.log_id, fmt=fmt)
    if job["status"] != "finished":
        job["status"] = "finished"
        job["modified"] = sb.now()
    return v2_document(200, _jobs_document(req, job), fmt)
