"""`manage.py joor_bench`: throughput and memory of reading JOOR styles.

Two measurements per catalog size:
- parse: `parse_styles_page` + `style_to_dict` over generated pages, XML and JSON (the parser's bench);
- end to end: `JoorClient.iter_styles` through the real client, budget and request loop against the
  sandbox in-process, pages of 1000 — styles/s, requests, credits, and the tracemalloc peak of the
  client side, which must stay flat as the catalog grows (the client holds one page at a time).
"""

from __future__ import annotations

import gc
import json
import time
import tracemalloc
from typing import Any

import httpx
from django.core.management.base import BaseCommand, CommandError, CommandParser

from joorsync.joor.bench import run_parse_bench
from joorsync.joor.budget import CreditBudget
from joorsync.joor.client import JoorClient
from joorsync.joor.records import style_to_dict

BENCH_TOKEN = "bench-token"  # noqa: S105 - a token the in-process sandbox is configured with
E2E_PAGE_SIZE = 1000


def bench_sandbox(*, styles: int, seed: int = 1) -> Any:
    """An in-process sandbox holding `styles` styles, with JOOR's real rate limit."""
    from joorsync.joor.sandbox.app import JoorSandbox, SandboxConfig

    return JoorSandbox(SandboxConfig(styles=styles, seed=seed, tokens=(BENCH_TOKEN,), rate_limit="real"))


def run_end_to_end(
    *,
    styles: int,
    fmt: str,
    seed: int = 1,
    page_size: int = E2E_PAGE_SIZE,
    trace_memory: bool = False,
    app: Any = None,
) -> dict[str, Any]:
    """Read a whole sandbox catalog of `styles` styles through the client; return the figures.

    Pass `app` to reuse a sandbox (generating a large catalog takes longer than reading it)."""
    if app is None:
        app = bench_sandbox(styles=styles, seed=seed)
    credits_before = app.credits_used
    budget = CreditBudget()
    client = JoorClient(
        base_url="http://joor-sandbox.invalid",
        token=BENCH_TOKEN,
        transport=httpx.WSGITransport(app=app),
        budget=budget,
    )
    gc.collect()
    if trace_memory:
        tracemalloc.start()
    started = time.perf_counter()
    count = 0
    try:
        for style in client.iter_styles(fmt=fmt, page_size=page_size):  # type: ignore[arg-type]
            style_to_dict(style)
            count += 1
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace_memory else None
    finally:
        if trace_memory:
            tracemalloc.stop()
        client.close()
    if count != styles:
        raise CommandError(f"end-to-end run read {count} styles out of {styles}")
    usage = client.usage
    return {
        "styles": styles,
        "format": fmt,
        "page_size": page_size,
        "seconds": round(seconds, 3),
        "styles_per_s": round(count / seconds, 1) if seconds > 0 else None,
        "requests": usage.requests,
        "credits": usage.credits,
        "sandbox_credits": app.credits_used - credits_before,
        "throttled": usage.throttled,
        "peak_mb": round(peak / (1024 * 1024), 2) if peak is not None else None,
    }


class Command(BaseCommand):
    help = "Benchmark parsing JOOR styles (XML and JSON) and reading them end to end through the client."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--styles", default="1000,10000", help="comma-separated catalog sizes (default 1000,10000)"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON document instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            sizes = [int(part) for part in options["styles"].split(",") if part.strip()]
        except ValueError:
            raise CommandError("--styles takes comma-separated integers, e.g. 1000,10000") from None
        if not sizes or any(n < 1 for n in sizes):
            raise CommandError("--styles needs positive sizes")
        results: dict[str, list[dict[str, Any]]] = {"parse": [], "end_to_end": []}
        for n in sizes:
            for fmt in ("xml", "json"):
                results["parse"].append(run_parse_bench(styles=n, fmt=fmt, page_size=500))
            app = bench_sandbox(styles=n)
            for fmt in ("xml", "json"):
                figures = run_end_to_end(styles=n, fmt=fmt, app=app)
                figures["peak_mb"] = run_end_to_end(styles=n, fmt=fmt, trace_memory=True, app=app)["peak_mb"]
                results["end_to_end"].append(figures)
            del app
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))
            return
        self.stdout.write("parse + normalize (pages of 500)")
        self.stdout.write(f"{'styles':>8} {'format':>6} {'styles/s':>10} {'peak MB':>8} {'page MB':>8}")
        for row in results["parse"]:
            self.stdout.write(
                f"{row['styles']:>8} {row['format']:>6} {row['styles_per_s']:>10} "
                f"{row['peak_mb']:>8} {row['page_mb']:>8}"
            )
        self.stdout.write("")
        self.stdout.write(
            f"end to end: JoorClient.iter_styles against the sandbox in-process (pages of {E2E_PAGE_SIZE})"
        )
        self.stdout.write(
            f"{'styles':>8} {'format':>6} {'styles/s':>10} {'requests':>8} {'credits':>8} "
            f"{'429s':>5} {'peak MB':>8}"
        )
        for row in results["end_to_end"]:
            self.stdout.write(
                f"{row['styles']:>8} {row['format']:>6} {row['styles_per_s']:>10} "
                f"{row['requests']:>8} {row['credits']:>8} {row['throttled']:>5} {row['peak_mb']:>8}"
            )
