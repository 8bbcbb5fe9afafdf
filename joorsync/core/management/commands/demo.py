"""`python manage.py demo [--port 8000]`: what `make run` calls.

Starts the JOOR and Shopify sandboxes, the web server and a django-q2 worker as child processes,
installs the demo shop through the real OAuth flow, connects it to JOOR, runs the first sync, makes a
couple of conflicts, prints the URL to open and a staff login, and runs until Ctrl-C (or SIGTERM),
which stops every child. The steps live in `joorsync.core.demo`.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joorsync.core.demo.runner import DemoConfig, demo_run
from joorsync.core.text import strip_controls


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Run the demo: both sandboxes, the web server and a worker, with a shop installed and synced."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
        parser.add_argument("--joor-port", type=int, default=8701)
        parser.add_argument("--shopify-port", type=int, default=8702)
        parser.add_argument(
            "--styles",
            type=int,
            default=300,
            help="styles in the JOOR sandbox (under 25 sync slower: no bulk create)",
        )
        parser.add_argument("--conflicts", type=int, default=2, help="conflicts to create")
        parser.add_argument("--log-dir", type=Path, default=None, help="children's logs (default var/demo)")

    def handle(self, *args: Any, **options: Any) -> None:
        ports = {options["port"], options["joor_port"], options["shopify_port"]}
        if len(ports) != 3:
            raise CommandError("--port, --joor-port and --shopify-port must differ")
        if options["styles"] < options["conflicts"] or options["conflicts"] < 0:
            raise CommandError("--styles must be at least --conflicts (and --conflicts at least 0)")
        config = DemoConfig(
            port=options["port"],
            joor_port=options["joor_port"],
            shopify_port=options["shopify_port"],
            styles=options["styles"],
            conflicts=options["conflicts"],
            **({"log_dir": options["log_dir"]} if options["log_dir"] else {}),
        )
        # SIGTERM and SIGHUP stop the demo the way Ctrl-C does: children first, then exit 0. SIGINT is
        # set explicitly too: a shell starting the demo in the background ignores it, and the children
        # would inherit that (an installed handler is reset to the default in them instead).
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _interrupt)

        def say(line: str) -> None:
            self.stdout.write(strip_controls(line))  # a failure's line quotes the exception
            self.stdout.flush()

        status = demo_run(config=config, say=say)
        if status:
            raise CommandError("the demo stopped because of the error above", returncode=status)
