"""Serve the JOOR sandbox on a local port until interrupted."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joorsync.joor.sandbox.app import JoorSandbox, SandboxConfig
from joorsync.joor.sandbox.defaults import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_SEED,
    DEFAULT_STYLES,
    DEFAULT_TOKEN,
    DEFAULT_USERNAME,
)
from joorsync.joor.sandbox.faults import FaultConfig
from joorsync.joor.sandbox.ratelimit import parse_rate_limit
from joorsync.joor.sandbox.server import base_url_of, make_server


class Command(BaseCommand):
    help = "Run the JOOR API sandbox (v2 + v4 emulator) on a local port until stopped (Ctrl-C)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8701)
        parser.add_argument("--styles", type=int, default=DEFAULT_STYLES)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--skus-per-style", type=int, default=None, help="give every generated style exactly N SKUs"
        )
        parser.add_argument("--token", default=DEFAULT_TOKEN, help="the v2 token the sandbox accepts")
        parser.add_argument(
            "--rate-limit",
            default="real",
            help="real (300 credits / 300 s), off, or scale=N (allowance × N, e.g. scale=0.1)",
        )
        parser.add_argument(
            "--faults", default="", help="e.g. 5xx=0.1,429=0.05,timeout=0.02,truncate=0.01,drop=0.01"
        )
        parser.add_argument("--fault-seed", type=int, default=0)
        parser.add_argument("--slow-seconds", type=float, default=None, help="how long a timeout fault waits")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            parse_rate_limit(options["rate_limit"])
            faults = FaultConfig.parse(options["faults"])
            if options["slow_seconds"] is not None:
                faults = dataclasses.replace(faults, slow_seconds=options["slow_seconds"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["styles"] < 1:
            raise CommandError("--styles must be at least 1")
        config = SandboxConfig(
            styles=options["styles"],
            seed=options["seed"],
            skus_per_style=options["skus_per_style"],
            tokens=(options["token"],),
            rate_limit=options["rate_limit"],
            faults=faults,
            fault_seed=options["fault_seed"],
        )
        app = JoorSandbox(config)
        try:
            server = make_server(app, options["host"], options["port"])
        except OSError as exc:
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {exc}") from exc
        base_url = base_url_of(server)
        out = self.stdout
        out.write(f"JOOR sandbox serving {len(app.catalog.styles)} styles at {base_url}")
        out.write(f"  v2: Authorization: OAuth2 {options['token']}   (v2 base {base_url}/v2/)")
        out.write(
            f"  v4: POST {base_url}/auth/ client_id={DEFAULT_CLIENT_ID} client_secret={DEFAULT_CLIENT_SECRET}"
        )
        out.write(f"      grant_type=password username={DEFAULT_USERNAME} password={DEFAULT_PASSWORD}")
        out.write(f"      then Authorization: Bearer <access_token> and ?account={DEFAULT_ACCOUNT_ID}")
        out.write(f"  rate limit: {options['rate_limit']}; faults: {options['faults'] or 'off'}")
        out.write("Press Ctrl-C to stop.")
        out.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            out.write("Stopping.")
        finally:
            server.server_close()
