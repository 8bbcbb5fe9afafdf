"""Text from outside (JOOR's and Shopify's error messages, catalog values) made safe to print or show.

An error answer's `comment` is whatever the other side put there. Printed verbatim, an escape sequence
in it recolours, retitles or rewrites the operator's terminal, and a carriage return hides what came
before it on the line; shown in the UI it is invisible noise. `strip_controls` removes escape
sequences whole (not just their ESC, so no `[31m` is left behind) and every other control character
but newline and tab.
"""

from __future__ import annotations

import logging
import re

_ESCAPES = re.compile(
    r"""
      (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])   # OSC, DCS, SOS, PM, APC (7- or 8-bit introducer),
        [^\x07\x1b\x90\x98\x9c-\x9f]*             # its payload (never past another introducer, so
        (?:\x07|\x1b\\|\x9c)                        # the scan stays linear), up to BEL or ST
    | (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]  # CSI: parameters, intermediates, final
    | \x1b[\x20-\x2f]*[\x30-\x7e]                # nF, Fp, Fe, Fs: intermediates, one final
    | [\x00-\x08\x0b-\x1f\x7f-\x9f]              # any other C0 (not \t, \n), DEL, C1; a lone ESC
    """,
    re.VERBOSE,
)


def strip_controls(text: str) -> str:
    """`text` without terminal escape sequences and control characters, newline and tab kept."""
    return _ESCAPES.sub("", text)


class StripControlsFilter(logging.Filter):
    """Logging filter: a record's message, arguments applied, and its traceback, stripped.

    Installed on the project's log handlers (settings.LOGGING), so every logger that reaches them, the
    project's and its libraries', prints nothing a terminal would act on.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: the handler reports it as it would without this filter
            return True
        clean = strip_controls(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = strip_controls(record.exc_text)
        if record.stack_info:
            record.stack_info = strip_controls(record.stack_info)
        return True
