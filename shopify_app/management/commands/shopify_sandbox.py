"""`python manage.py shopify_sandbox` — serve the Shopify sandbox until stopped."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import (
    DEFAULT_API_KEY,
    DEFAULT_API_SECRET,
    DEFAULT_SHOP,
    SandboxConfig,
)
from shopify_app.sandbox.faults import FaultConfig
from shopify_app.sandbox.server import make_threaded_server


class Command(BaseCommand):
    help = "Serve the Shopify sandbox (OAuth, Admin GraphQL subset, webhooks out) on a local port."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8702)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--shop", action="append", dest="shops", help="shop domain (repeatable)")
        parser.add_argument("--api-key", default=DEFAULT_API_KEY)
        parser.add_argument("--api-secret", default=DEFAULT_API_SECRET)
        parser.add_argument("--token", help="an access token valid for the (first) shop without an install")
        parser.add_argument("--products", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--rate-limit", choices=("standard", "advanced", "plus", "off"), default="standard"
        )
        parser.add_argument(
            "--faults", default="", help='e.g. "5xx=0.1,429=0.05,timeout=0.02,truncate=0.01,drop=0.01"'
        )
        parser.add_argument("--webhooks", choices=("sync", "thread", "off"), default="thread")
        parser.add_argument(
            "--no-markets", action="store_true", help="no markets (default: the US, Europe and the UK)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        shops = tuple(options["shops"] or (DEFAULT_SHOP,))
        config = SandboxConfig(
            shops=shops,
            api_key=options["api_key"],
            api_secret=options["api_secret"],
            static_tokens={shops[0].lower(): options["token"]} if options["token"] else {},
            products=options["products"],
            seed=options["seed"],
            rate_limit=options["rate_limit"],
            faults=FaultConfig.parse(options["faults"], seed=options["seed"]),
            deliver_webhooks=options["webhooks"],
            seed_markets=not options["no_markets"],
        )
        sandbox = ShopifySandbox(config)
        server = make_threaded_server(sandbox, options["host"], options["port"])
        base_url = f"http://{options['host']}:{server.server_port}"
        self.stdout.write(f"Shopify sandbox serving {', '.join(config.shops)} at {base_url}")
        sys.stdout.flush()
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            sandbox.close()
