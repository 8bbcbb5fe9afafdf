"""The JOOR sandbox: an in-memory, thread-safe WSGI emulator of JOOR's v2 and v4 Brand API.

Use:

    from joorsync.joor.sandbox.app import JoorSandbox, SandboxConfig
    from joorsync.joor.sandbox.faults import FaultConfig
    from joorsync.joor.sandbox.server import serve_in_thread

    app = JoorSandbox(SandboxConfig(styles=50, seed=1, rate_limit="real"))
    httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://joor.test")
    with serve_in_thread(app) as base_url: ...      # a real loopback socket

or `python manage.py joor_sandbox --port 8701`. Credentials are in `defaults.py`.

Behaviour worth knowing:
- Rate limit "real": per account, GET 1 credit, POST/PUT/DELETE 5, 300 credits per fixed 300 s window
  from the window's first request; "off" never throttles (still counts `credits_used`); "scale=N"
  multiplies the window's allowance by N (N > 0, may be fractional: "scale=0.1" = 30 credits).
- Fault "drop" raises `faults.ConnectionDropped` out of the WSGI app: `serve_in_thread` closes the socket
  without an answer; through `httpx.WSGITransport` the exception reaches the caller, which must treat
  an exception raised by the transport as a network error. "timeout" sleeps through the injectable
  `sleep` after processing; "truncate" answers 200 with half the body.
- `/_sandbox/styles/{style_id}` (POST, JSON of v2 fields) edits a style as a brand user would in JOOR's
  web UI (`JoorSandbox.edit_style`); `/_sandbox/orders` (POST, a v4 order plus `po_number`,
  `sku_line_items`, `missing_export_fields`) is a retailer's order arriving (`JoorSandbox.place_order`);
  `/_sandbox/orders/{id}/missing-export-fields` (POST `{"fields": [...]}`) makes JOOR's export
  validation fail that order (`JoorSandbox.set_missing_export_fields`); `/_sandbox/status` shows
  counters. These are sandbox conveniences: no auth, no credits, never faults.
- v2 orders: `sync=1` (JOOR's default) defaults `export_status` to 2 and `check` to 1, and marks the
  returned page exported at once, so a client should ask again from `start_from=0` until no orders come
  back. The sources of every order, inventory, auth and rate-limit behaviour are in the docstrings of
  `orders`, `v4_orders`, `v2`, `auth` and `app`.
"""
