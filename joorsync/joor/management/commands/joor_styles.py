"""`manage.py joor_styles`: stream a JOOR account's v2 styles as normalized JSON lines.

One style per line on stdout (the normalized form shared by XML and JSON answers), styles JOOR sent
but that could not be read on stderr, and any failure as one line on stderr with a non-zero exit.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from joorsync.core.command_secrets import (
    STDIN_HELP,
    retired_secret_options_add,
    retired_secret_options_refuse,
    secrets_read,
)
from joorsync.joor.budget import CreditBudget
from joorsync.joor.client import MAX_STYLE_PAGE_SIZE, JoorClient
from joorsync.joor.errors import JoorError
from joorsync.joor.records import style_to_dict
from joorsync.joor.wire import StyleProblem


def parse_when(text: str) -> datetime:
    """An ISO 8601 date or datetime from the command line; without an offset it is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise CommandError(f"--modified-since: not an ISO 8601 date or datetime: {text!r}") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


RETIRED = {"--token": "JOOR_TOKEN"}


class Command(BaseCommand):
    help = "Print a JOOR account's styles (v2) as one normalized JSON object per line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default=None,
            help="API root, e.g. https://api.jooraccess.com (default: JOOR_API_BASE_URL)",
        )
        parser.add_argument("--stdin", action="store_true", help=STDIN_HELP)
        retired_secret_options_add(parser, RETIRED)
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=("json", "xml"),
            default="json",
            help="wire format to request (the output is the same for both)",
        )
        parser.add_argument(
            "--modified-since",
            default=None,
            help="only styles modified since this ISO 8601 instant (UTC unless an offset is given)",
        )
        parser.add_argument("--limit", type=int, default=None, help="stop after this many styles")
        parser.add_argument(
            "--page-size",
            type=int,
            default=500,
            help=f"styles per request, 1..{MAX_STYLE_PAGE_SIZE} (default 500)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base_url = options["base_url"] or settings.JOOR_API_BASE_URL
        retired_secret_options_refuse(options, RETIRED)
        token = secrets_read(["JOOR_TOKEN"], stdin=sys.stdin if options["stdin"] else None)["JOOR_TOKEN"]
        if not token:
            raise CommandError(
                "a JOOR v2 token is required: set JOOR_TOKEN, or pass JOOR_TOKEN=… with --stdin"
            )
        if options["limit"] is not None and options["limit"] < 0:
            raise CommandError("--limit must not be negative")
        since = parse_when(options["modified_since"]) if options["modified_since"] else None
        budget = CreditBudget(
            credits_per_window=settings.JOOR_CREDITS_PER_WINDOW,
            window_seconds=settings.JOOR_CREDIT_WINDOW_SECONDS,
        )

        def report(problem: StyleProblem) -> None:
            self.stderr.write(f"style {problem.style_id or '?'} skipped: {' '.join(problem.message.split())}")

        # Retries are logged as warnings by the client; at the default verbosity the command's only
        # stderr output is skipped styles and, on failure, one line.
        client_logger = logging.getLogger("joorsync.joor.client")
        saved_level = client_logger.level
        if options["verbosity"] < 2:
            client_logger.setLevel(logging.ERROR)
        printed = 0
        try:
            with JoorClient(
                base_url=base_url, token=token, budget=budget, timeout=settings.JOOR_HTTP_TIMEOUT
            ) as client:
                for style in client.iter_styles(
                    fmt=options["fmt"],
                    page_size=options["page_size"],
                    modified_since=since,
                    limit=options["limit"],
                    on_problem=report,
                ):
                    self.stdout.write(
                        json.dumps(style_to_dict(style), ensure_ascii=False, separators=(",", ":"))
                    )
                    printed += 1
        except JoorError as exc:
            message = " ".join(str(exc).split())
            raise CommandError(f"{type(exc).__name__}: {message} (after {printed} styles)") from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        finally:
            client_logger.setLevel(saved_level)
