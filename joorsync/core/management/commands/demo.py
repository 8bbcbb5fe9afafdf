"""`python manage.py demo`: starts the sandboxes, a task worker and the web server together.

What `make run` calls. Each part is a child process; Ctrl-C (or SIGTERM) stops them all.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import get_commands
from django.core.management.base import BaseCommand

JOOR_SANDBOX_PORT = 8701
SHOPIFY_SANDBOX_PORT = 8702


class Command(BaseCommand):
    help = "Run the demo: JOOR and Shopify sandboxes, a django-q2 worker and the web server."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--styles", type=int, default=300)

    def handle(self, *args: Any, port: int, styles: int, **options: Any) -> None:
        manage = [sys.executable, "manage.py"]
        available = get_commands()
        plan: list[tuple[str, list[str]]] = []
        if "joor_sandbox" in available:
            plan.append(
                (
                    "joor-sandbox",
                    [*manage, "joor_sandbox", "--port", str(JOOR_SANDBOX_PORT), "--styles", str(styles)],
                )
            )
        if "shopify_sandbox" in available:
            plan.append(("shopify-sandbox", [*manage, "shopify_sandbox", "--port", str(SHOPIFY_SANDBOX_PORT)]))
        plan.append(("worker", [*manage, "qcluster"]))
        plan.append(("web", [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"]))

        children: list[tuple[str, subprocess.Popen]] = []
        try:
            for name, cmd in plan:
                self.stdout.write(f"starting {name}: {' '.join(cmd[1:])}")
                children.append((name, subprocess.Popen(cmd)))  # noqa: S603 - our own commands
            self.stdout.write(self.style.SUCCESS(f"joorsync is up: http://127.0.0.1:{port}/  (Ctrl-C stops)"))
            while all(child.poll() is None for _, child in children):
                time.sleep(0.5)
            for name, child in children:
                if child.poll() is not None:
                    self.stderr.write(f"{name} exited with {child.returncode}; stopping the rest")
        except KeyboardInterrupt:
            self.stdout.write("stopping…")
        finally:
            for _, child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for _, child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
