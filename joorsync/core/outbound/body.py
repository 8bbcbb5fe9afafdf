"""Response bodies decoded in bounded pieces and capped after decompression, while they stream.

A cap on the bytes received says nothing about the bytes they inflate to: 256 KB of gzip can hold
256 MB of zeros, and a client that decompresses a whole network chunk at once (as httpx's decoder
does) holds tens of MB for one 64 KB read. So the transport decodes `gzip` and `deflate` itself, at
most `PIECE` bytes of output per step, counts what it produced, and stops at the cap. Other content
codings are refused: the request only offers these two.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

import httpx

from .deadline import Deadline, deadline_scope
from .errors import ResponseTooLarge

PIECE = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate"
_IDENTITY = ("", "identity")


class _Inflater:
    """zlib in bounded steps; `deflate` tries the zlib wrapper first and falls back to raw deflate,
    since servers send both under that name."""

    def __init__(self, encoding: str) -> None:
        self._deflate = encoding == "deflate"
        wbits = zlib.MAX_WBITS if self._deflate else 16 + zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data or self._started:
            if self._zlib.eof:  # anything after the end of the compressed data is ignored, as httpx does
                return
            try:
                out = self._zlib.decompress(data, PIECE)
            except zlib.error as exc:
                if self._deflate and not self._started:
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise httpx.DecodingError(f"the compressed body is corrupt ({exc})") from None
            self._started = True
            if out:
                yield out
            data = self._zlib.unconsumed_tail
            # Output exactly PIECE long may leave more pending: ask again with no new input.
            if self._zlib.eof or (not data and len(out) < PIECE):
                return

    def finish(self) -> bytes:
        return self._zlib.flush() if self._started else b""


def decoded(chunks: Iterable[bytes], encoding: str) -> Iterator[bytes]:
    """`chunks` of a body sent with Content-Encoding `encoding`, decoded; no piece exceeds `PIECE`."""
    encoding = encoding.strip().lower()
    if encoding in _IDENTITY:
        yield from chunks
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise httpx.DecodingError(f"unsupported Content-Encoding {encoding[:40]!r}")
    inflater = _Inflater("deflate" if encoding == "deflate" else "gzip")
    for chunk in chunks:
        if chunk:
            yield from inflater.feed(chunk)
    tail = inflater.finish()
    if tail:
        yield tail


class BoundedBody(httpx.SyncByteStream):
    """The decoded body of `response`, read under `deadline`, ended with `ResponseTooLarge` past
    `max_bytes` (None: no cap, for downloads consumed as a stream)."""

    def __init__(
        self,
        response: httpx.Response,
        *,
        encoding: str,
        max_bytes: int | None,
        deadline: Deadline | None,
    ) -> None:
        self._response = response
        self._encoding = encoding
        self._max_bytes = max_bytes
        self._deadline = deadline

    def _raw(self) -> Iterator[bytes]:
        """The inner stream, each chunk read under the deadline (its socket reads are cut to the time
        left; a transport without sockets is checked between chunks)."""
        chunks = iter(self._response.stream)  # type: ignore[arg-type]
        while True:
            with deadline_scope(self._deadline):
                if self._deadline is not None and self._deadline.left() <= 0:
                    raise httpx.ReadTimeout(self._deadline.message())
                try:
                    chunk = next(chunks)
                except StopIteration:
                    return
            yield chunk

    def __iter__(self) -> Iterator[bytes]:
        total = 0
        for piece in decoded(self._raw(), self._encoding):
            total += len(piece)
            if self._max_bytes is not None and total > self._max_bytes:
                self.close()
                raise ResponseTooLarge(
                    f"the response body exceeds the cap of {self._max_bytes} bytes (after decompression)",
                    limit=self._max_bytes,
                )
            yield piece

    def close(self) -> None:
        self._response.close()
