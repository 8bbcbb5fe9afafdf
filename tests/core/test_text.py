"""`strip_controls` and the logging filter the settings install: escape sequences go whole, every
other control character but newline and tab goes, and a log line built from JOOR's text comes out clean."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from joorsync.core.text import StripControlsFilter, strip_controls

# An error `comment` as a hostile or broken server could send it.
COMMENT = "bad \x1b[31mtoken\x1b[0m\x1b]0;owned\x07\r\x1b[2Koverwritten \x9b1mC1\x9b0m\x00\x7f end"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text, kept as it is", "plain text, kept as it is"),
        ("lines\nand\ttabs stay", "lines\nand\ttabs stay"),
        ("é 中文 👍 – “quotes”", "é 中文 👍 – “quotes”"),
        ("a\x1b[31mred\x1b[0m b", "ared b"),  # CSI with its parameters, not just the ESC
        ("a\x1b[?25l\x1b[1;31;42mb", "ab"),
        ("x\x1b]0;window title\x07y", "xy"),  # OSC ended by BEL, payload included
        ("x\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\y", "xlinky"),  # OSC 8 hyperlink ended by ST
        ("\x1bPq#0;2;0;0;0\x1b\\z", "z"),  # DCS
        ("\x1b(Bok \x1b7\x1bc", "ok "),  # nF charset designation, Fp save cursor, Fs reset
        ("a\x9b31mb\x9d0;t\x9cc", "abc"),  # 8-bit CSI and OSC
        ("a\x85b\x9fc", "abc"),  # other C1
        ("a\rb\x00c\x08d\x07e\x0bf\x0cg\x7fh", "abcdefgh"),  # C0 but \n and \t, and DEL
        ("dangling\x1b", "dangling"),
        ("\x1b]unterminated title", "unterminated title"),  # the introducer goes; the text is inert
        (COMMENT, "bad tokenoverwritten C1 end"),
    ],
)
def test_strip_controls(text, expected):
    assert strip_controls(text) == expected


@pytest.mark.parametrize("unit", ["\x90a", "\x1b]a", "\x9b0", "\x1b[0"])
def test_strip_controls_stays_linear_on_unterminated_sequences(unit):
    text = unit * 100_000
    assert not any(0x80 <= ord(c) <= 0x9F or c == "\x1b" for c in strip_controls(text))


def configured_handler() -> logging.Handler:
    """The handler settings.LOGGING puts on the root logger, the one every project logger reaches."""
    handlers = [
        h for h in logging.getLogger().handlers if any(isinstance(f, StripControlsFilter) for f in h.filters)
    ]
    assert handlers, "settings.LOGGING installs no StripControlsFilter on the root logger's handlers"
    return handlers[0]


def emitted(record: logging.LogRecord) -> str:
    handler = configured_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        handler.handle(record)
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]
    return stream.getvalue()


def make_record(msg: str, *args: object, exc_info: object = None) -> logging.LogRecord:
    return logging.getLogger("joorsync.sync.jobs").makeRecord(
        "joorsync.sync.jobs", logging.ERROR, __file__, 1, msg, args, exc_info
    )


def test_a_log_line_with_joors_comment_in_its_arguments_is_printed_clean():
    out = emitted(make_record("JOOR answered %s for style %d", COMMENT, 42))
    assert "JOOR answered bad tokenoverwritten C1 end for style 42" in out
    assert not any(c in out for c in "\x1b\x07\r\x9b\x00\x7f")


def test_a_traceback_quoting_joors_comment_is_printed_clean():
    try:
        raise RuntimeError(f"JOOR v2: response code 401: {COMMENT}")
    except RuntimeError:
        record = make_record("sync job %s failed", 7, exc_info=sys.exc_info())
    out = emitted(record)
    assert "Traceback (most recent call last)" in out
    assert "RuntimeError: JOOR v2: response code 401: bad tokenoverwritten C1 end" in out
    assert not any(c in out for c in "\x1b\x07\r\x9b\x00\x7f")


def test_the_filter_keeps_every_record_and_leaves_clean_ones_alone():
    record = make_record("job %s finished in %.1f s", 3, 1.25)
    assert StripControlsFilter().filter(record) is True
    assert (record.msg, record.args) == ("job %s finished in %.1f s", (3, 1.25))
    broken = make_record("two %s %s", "args?")  # a bad format string is left for the handler to report
    assert StripControlsFilter().filter(broken) is True
