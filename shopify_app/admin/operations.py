"""Loading the `.graphql` operation files.

Every document the client sends lives in `shopify_app/graphql/<OperationName>.graphql` (one operation per
file, the file named exactly like the operation). Fragments live in `shopify_app/graphql/fragments/
<FragmentName>.graphql`; an operation gets the fragments it spreads (transitively) appended when loaded.
Documents are read once per process and cached.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

GRAPHQL_DIR = Path(__file__).resolve().parent.parent / "graphql"
FRAGMENTS_DIR = GRAPHQL_DIR / "fragments"

_NAME_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_SPREAD_RE = re.compile(r"\.\.\.\s*([A-Za-z_][A-Za-z0-9_]*)")
_OPERATION_RE = re.compile(r"^\s*(query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)


class UnknownOperation(LookupError):
    """No `.graphql` file for the requested operation name."""


def operation_names() -> list[str]:
    """Every operation shipped with the app, sorted."""
    return sorted(p.stem for p in GRAPHQL_DIR.glob("*.graphql"))


def fragment_names() -> list[str]:
    return sorted(p.stem for p in FRAGMENTS_DIR.glob("*.graphql"))


@cache
def _fragment_source(name: str) -> str:
    path = FRAGMENTS_DIR / f"{name}.graphql"
    if not path.is_file():
        raise UnknownOperation(f"fragment {name!r} has no file {path.name} in {FRAGMENTS_DIR}")
    return path.read_text(encoding="utf-8")


def _spreads(source: str) -> list[str]:
    # `... on Type` is an inline fragment, not a spread of a fragment named "on".
    return [name for name in _SPREAD_RE.findall(source) if name != "on"]


@cache
def load_operation(name: str) -> str:
    """The full document for operation `name`: its file plus every fragment it needs."""
    if not _NAME_RE.match(name):
        raise UnknownOperation(f"invalid operation name {name!r}")
    path = GRAPHQL_DIR / f"{name}.graphql"
    if not path.is_file():
        raise UnknownOperation(f"no operation file {path.name} in {GRAPHQL_DIR}")
    source = path.read_text(encoding="utf-8")
    declared = _OPERATION_RE.findall(source)
    if [n for _, n in declared] != [name]:
        raise UnknownOperation(f"{path.name} must hold exactly one operation named {name!r}")
    needed: list[str] = []
    pending = _spreads(source)
    while pending:
        fragment = pending.pop(0)
        if fragment in needed:
            continue
        needed.append(fragment)
        pending.extend(_spreads(_fragment_source(fragment)))
    return "\n".join([source.rstrip(), *(_fragment_source(f).rstrip() for f in needed)]) + "\n"


def operation_kind(name: str) -> str:
    """`query` or `mutation`, from the operation's own file."""
    match = _OPERATION_RE.search(load_operation(name))
    if match is None:  # load_operation already refuses such files; kept for type narrowing
        raise UnknownOperation(f"{name}.graphql holds no operation")
    return match.group(1)
