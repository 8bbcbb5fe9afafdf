"""JSON wire format: strict decoding into a generic tree.

Floats are decoded as `Decimal` so prices and number-typed codes (a UPC sent as a JSON number) stay
exact. NaN/Infinity are not JSON and are refused. Nesting so deep that the decoder gives up is hostile,
not a transient failure, so it becomes `JoorBadPayload`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from joorsync.joor.errors import JoorBadPayload, JoorMalformedBody


class _NonStandardNumber(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NonStandardNumber(f"{name} is not a JSON value")


def load_json(body: bytes | str) -> Any:
    """Decode a body; invalid or truncated JSON → JoorMalformedBody, hostile JSON → JoorBadPayload."""
    try:
        return json.loads(body, parse_float=Decimal, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise JoorMalformedBody("JSON answer is not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise JoorMalformedBody(f"JSON answer does not parse: {exc}") from None
    except RecursionError:
        raise JoorBadPayload("JSON answer is nested too deeply") from None
    except ValueError as exc:  # NaN/Infinity, integers beyond the interpreter's digit limit
        raise JoorBadPayload(f"JSON answer refused: {exc}") from None
