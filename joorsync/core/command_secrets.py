"""Secrets for management commands: from named environment variables or standard input, never argv.

A process's command line is readable by every user of the machine (`ps`, /proc/PID/cmdline) and often
lands in shell history and job logs; its environment and standard input are not. With `--stdin` a
command reads `NAME=value` lines (an env file: blank lines and `#` comments are skipped) and those
values win over the environment.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from typing import TextIO

from django.core.management.base import CommandError, CommandParser

STDIN_HELP = "read the secrets as NAME=value lines from standard input instead of the environment"


def secrets_read(
    names: Sequence[str], *, stdin: TextIO | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Each of `names`: from `stdin` when given (NAME=value lines), else the environment; "" if unset.

    An error names the line or the unknown name, never a value."""
    environ = os.environ if environ is None else environ
    values = {name: environ.get(name, "").strip() for name in names}
    if stdin is None:
        return values
    for number, line in enumerate(stdin.read().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not name:
            raise CommandError(f"standard input line {number} is not NAME=value")
        if name not in values:
            raise CommandError(
                f"standard input line {number}: unknown name {name} (expected {', '.join(names)})"
            )
        values[name] = value.strip()
    return values


def retired_secret_options_add(parser: CommandParser, replaced: Mapping[str, str]) -> None:
    """Keep the old secret options (hidden) only to refuse them with a pointer to what replaces them."""
    for flag in replaced:
        parser.add_argument(flag, dest=_retired_dest(flag), default=None, help=argparse.SUPPRESS)


def retired_secret_options_refuse(options: Mapping[str, object], replaced: Mapping[str, str]) -> None:
    for flag, variable in replaced.items():
        if options.get(_retired_dest(flag)) is not None:
            raise CommandError(
                f"{flag} is not accepted: a secret on the command line is visible to every user of the "
                f"machine; set {variable} in the environment, or pass {variable}=… on standard input "
                "with --stdin"
            )


def _retired_dest(flag: str) -> str:
    return "retired_" + flag.lstrip("-").replace("-", "_")
