"""`python manage.py chaos_bench [--styles 2000] [--shopify-only 300] [--kills 10] [--seed 1] [--json]`

Recovery under chaos: both sandboxes and a django-q worker as real processes on loopback, faults
injected on both sides, the worker killed with SIGKILL at random moments during a full sync, a
person's "Sync now" timed after each kill, then convergence with faults off and both catalogs
checked for lost, duplicated and blanked products. Prints the figures and PASS/FAIL (exit status 1
on FAIL). The bench uses a temporary database of its own; see `joorsync.sync.chaos`.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joorsync.sync.chaos import DEFAULT_FAULTS, ChaosBenchError, ChaosConfig, chaos_bench, report_lines


class Command(BaseCommand):
    help = "Benchmark recovery under chaos: faults, worker kills, a person's Sync now, convergence."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--styles", type=int, default=2000, help="JOOR styles")
        parser.add_argument("--shopify-only", type=int, default=300, help="products only in Shopify")
        parser.add_argument("--skus-per-style", type=int, default=None)
        parser.add_argument("--kills", type=int, default=10, help="SIGKILLs of the worker")
        parser.add_argument("--seed", type=int, default=1, help="catalogs, faults and kill moments")
        parser.add_argument("--joor-faults", default=DEFAULT_FAULTS, help='e.g. "5xx=0.1,429=0.05" or "off"')
        parser.add_argument(
            "--shopify-faults", default=DEFAULT_FAULTS, help='e.g. "5xx=0.1,429=0.05" or "off"'
        )
        parser.add_argument(
            "--kill-min", type=float, default=2.0, help="seconds a job runs before a kill, at least"
        )
        parser.add_argument("--kill-max", type=float, default=40.0, help="… and at most")
        parser.add_argument("--converge-runs", type=int, default=5, help="full syncs to converge, at most")
        parser.add_argument("--orders", type=int, default=0, help="JOOR orders imported after the catalog")
        parser.add_argument("--order-kills", type=int, default=0, help="SIGKILLs during their import")
        parser.add_argument("--keep", action="store_true", help="keep the work directory (database, logs)")
        parser.add_argument("--json", action="store_true", help="print only the JSON report")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            config = ChaosConfig(
                styles=options["styles"],
                shopify_only=options["shopify_only"],
                skus_per_style=options["skus_per_style"],
                kills=options["kills"],
                seed=options["seed"],
                joor_faults=options["joor_faults"],
                shopify_faults=options["shopify_faults"],
                kill_min=options["kill_min"],
                kill_max=options["kill_max"],
                converge_runs=options["converge_runs"],
                keep_workdir=options["keep"],
                orders=options["orders"],
                order_kills=options["order_kills"],
            )
            report = chaos_bench(config)
        except (ValueError, ChaosBenchError) as exc:
            raise CommandError(str(exc)) from exc
        if not options["json"]:
            for line in report_lines(report):
                self.stdout.write(line)
        self.stdout.write(json.dumps(report, separators=(",", ":")))
        if report.get("result") != "PASS":
            raise CommandError(f"chaos bench: {report.get('result') or report.get('error')}", returncode=1)
