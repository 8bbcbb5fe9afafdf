"""Puts the demo together: which children to start with which environment, the setup steps in order,
the banner, and waiting until Ctrl-C."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from django.conf import settings
from django.core.management import call_command

from joorsync.core.demo import orders as demo_orders
from joorsync.core.demo import steps
from joorsync.core.demo.processes import DemoError, Supervisor, port_open
from joorsync.sync.accounts import JoorAccountInvalid, JoorConnectionError

Say = Callable[[str], None]


@dataclass(frozen=True)
class DemoConfig:
    """Ports and sizes of one demo run; the sandbox ports are fixed by default (8701, 8702)."""

    port: int = 8000
    joor_port: int = 8701
    shopify_port: int = 8702
    styles: int = 300
    host: str = "127.0.0.1"
    shop: str = steps.DEMO_SHOP
    conflicts: int = 2
    start_timeout: float = 60.0
    sync_timeout: float = 900.0
    log_dir: Path = field(default_factory=lambda: Path(settings.BASE_DIR) / "var" / "demo")

    @property
    def app_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def joor_url(self) -> str:
        return f"http://{self.host}:{self.joor_port}"

    @property
    def shopify_url(self) -> str:
        return f"http://{self.host}:{self.shopify_port}"

    @property
    def open_url(self) -> str:
        return f"{self.app_url}/sandbox/login?shop={self.shop}"


def demo_environment(*, config: DemoConfig, base: Mapping[str, str]) -> dict[str, str]:
    """The children's environment: sandbox mode on, Shopify's admin host is the sandbox, the app
    knows its own URL (OAuth redirect and webhook address), and JOOR v4 signs in at the JOOR sandbox."""
    return {
        **base,
        "JOORSYNC_SANDBOX_MODE": "1",
        "SHOPIFY_ADMIN_BASE_URL": config.shopify_url,
        "SHOPIFY_APP_URL": config.app_url,
        "JOOR_STYLE_URL_TEMPLATE": f"{config.joor_url}/_sandbox/styles/{{style_id}}",
        "JOOR_AUTH_URL": f"{config.joor_url}/auth/",
        "PYTHONUNBUFFERED": "1",
    }


@dataclass(frozen=True)
class ChildSpec:
    """One child to start: its command, the port it answers on (None: none) and how to stop it."""

    name: str
    argv: list[str]
    port: int | None
    stop_signal: int = signal.SIGTERM


def demo_children(*, config: DemoConfig, python: str = sys.executable) -> list[ChildSpec]:
    """The children in start order: the sandboxes before the app that calls them. Servers stop on
    SIGINT (their clean KeyboardInterrupt path); django-q's cluster stops its workers on SIGTERM."""
    manage = [python, str(Path(settings.BASE_DIR) / "manage.py")]
    host = ["--host", config.host]
    joor = ["joor_sandbox", *host, "--port", str(config.joor_port), "--styles", str(config.styles)]
    shopify = [
        "shopify_sandbox", *host, "--port", str(config.shopify_port), "--shop", config.shop,
        "--products", "0", "--webhooks", "thread",
        "--api-key", settings.SHOPIFY_API_KEY, "--api-secret", settings.SHOPIFY_API_SECRET,
    ]  # fmt: skip
    web = ["runserver", "--noreload", "--insecure", f"{config.host}:{config.port}"]
    return [
        ChildSpec("joor-sandbox", [*manage, *joor], config.joor_port, signal.SIGINT),
        ChildSpec("shopify-sandbox", [*manage, *shopify], config.shopify_port, signal.SIGINT),
        ChildSpec("web", [*manage, *web], config.port, signal.SIGINT),
        ChildSpec("worker", [*manage, "qcluster"], None, signal.SIGTERM),
    ]


def _apply_to_this_process(config: DemoConfig) -> None:
    """The demo process runs setup steps itself, so it sees the same settings as its children."""
    settings.SANDBOX_MODE = True
    settings.SHOPIFY_ADMIN_BASE_URL = config.shopify_url
    settings.SHOPIFY_APP_URL = config.app_url


def _quiet_logs() -> None:
    """The demo prints its own progress; the services' INFO lines would only repeat it."""
    for name in ("django-q", "joorsync", "shopify_app"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _check_ports_free(config: DemoConfig) -> None:
    taken = [
        f"{name} port {port}"
        for name, port in (
            ("web", config.port),
            ("JOOR sandbox", config.joor_port),
            ("Shopify sandbox", config.shopify_port),
        )
        if port_open(config.host, port)
    ]
    if taken:
        raise DemoError(f"already in use on {config.host}: {', '.join(taken)} (is another demo running?)")


def demo_setup(*, config: DemoConfig, say: Say) -> tuple[str, str]:
    """Every setup step against the running children; returns the staff login."""
    say(f"installing {config.shop} through OAuth against the Shopify sandbox…")
    shop = steps.demo_install_shop(app_url=config.app_url, shop_domain=config.shop)
    forgotten = steps.demo_reset_sync_state(shop=shop)
    if forgotten:
        say(f"  cleared {forgotten} links of an earlier run (the sandboxes start empty each time)")
    say(f"connecting {config.shop} to the JOOR sandbox…")
    steps.demo_connect_joor(shop=shop, joor_url=config.joor_url)
    say("first sync (JOOR → Shopify, the worker runs it)…")
    job = steps.demo_run_sync(shop=shop, timeout=config.sync_timeout, say=lambda line: say(f"  {line}"))
    created = (job.counters or {}).get("shopify", {}).get("created", 0)
    say(f"  done: {created} products created in Shopify")
    steps.demo_wait_idle(shop=shop, timeout=config.sync_timeout)
    say("placing wholesale orders in JOOR and importing them…")
    placed = demo_orders.demo_place_orders(shop=shop, joor_url=config.joor_url)
    counts = demo_orders.demo_import_orders(
        shop=shop, wait=steps.demo_wait_for_job, timeout=config.sync_timeout
    )
    say(f"  placed {len(placed)}; {counts['imported']} orders imported, {counts['held']} held (see /orders)")
    if not config.conflicts:
        return steps.demo_staff_user()
    say(f"making {config.conflicts} conflicts: the same product renamed differently in both sandboxes…")
    conflicts = steps.demo_make_conflicts(
        shop=shop,
        joor_url=config.joor_url,
        shopify_url=config.shopify_url,
        count=config.conflicts,
        timeout=config.sync_timeout,
        say=lambda line: say(f"  {line}"),
    )
    say(f"  {len(conflicts)} open conflicts")
    return steps.demo_staff_user()


def demo_run(*, config: DemoConfig, say: Say, stop_poll: float = 0.5) -> int:
    """Start everything, set it up, print where to go, and run until interrupted (KeyboardInterrupt,
    which the command also raises for SIGTERM). Returns the exit status; children are always stopped."""
    started = time.monotonic()
    supervisor = Supervisor(
        env=demo_environment(config=config, base=os.environ),
        cwd=Path(settings.BASE_DIR),
        log_dir=config.log_dir,
        host=config.host,
    )
    status = 0
    try:
        _check_ports_free(config)
        call_command("migrate", interactive=False, verbosity=0)
        _apply_to_this_process(config)
        _quiet_logs()
        for spec in demo_children(config=config):
            child = supervisor.start(
                name=spec.name, argv=spec.argv, port=spec.port, stop_signal=spec.stop_signal
            )
            say(f"started {spec.name} (pid {child.pid}), log {child.log_path}")
        for child in supervisor.children:
            supervisor.wait_ready(child, timeout=config.start_timeout)
        username, password = demo_setup(config=config, say=say)
        say(f"ready in {time.monotonic() - started:.0f} s")
        say(f"Open: {config.open_url}")
        say(f"Staff admin: {config.app_url}/admin/  user {username}  password {password}")
        say(f"Sandboxes: JOOR {config.joor_url}  Shopify {config.shopify_url}   logs in {config.log_dir}")
        say("Ctrl-C stops everything.")
        while True:
            dead = supervisor.first_exited()
            if dead is not None:
                raise DemoError(
                    f"{dead.name} exited with {dead.process.returncode}\n--- {dead.log_path}:\n{dead.log_tail()}"
                )
            time.sleep(stop_poll)
    except KeyboardInterrupt:
        say("stopping…")
    except (DemoError, JoorAccountInvalid, JoorConnectionError, httpx.HTTPError) as exc:
        say(f"demo failed: {exc}")
        status = 1
    finally:
        for name, code in supervisor.stop_all():
            say(f"  {name} stopped ({code})")
    return status
