"""The JOOR client over real loopback sockets: a dripping answer ends at the request's deadline, a
decompression bomb at the size cap, both without retries that would repeat the harm."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from joorsync.joor.client import JoorClient
from joorsync.joor.errors import JoorPermanentError, JoorTransientError
from joorsync.joor.transport import DEADLINE_TIMEOUTS
from tests.core.loopback import drip_body, gzip_bomb, respond, serving

MiB = 1024 * 1024


def _client(url: str, **kwargs) -> JoorClient:
    return JoorClient(base_url=url, token="t0ken-value", sleep=lambda s: None, **kwargs)


def test_a_dripping_answer_ends_at_the_deadline_not_after_every_byte():
    body = b'{"response": {"code": "0"}, "styles": []}' * 20  # 0.1 s a byte: 80 s in all
    timeout = 0.5
    with (
        serving(drip_body(body, every=0.1)) as server,
        _client(server.url, timeout=timeout, max_retries=0) as client,
    ):
        started = time.monotonic()
        with pytest.raises(JoorTransientError, match="deadline"):
            client.get_style(1)
        elapsed = time.monotonic() - started
    assert elapsed < DEADLINE_TIMEOUTS * timeout + 1.0, elapsed


def test_a_gzip_bomb_is_refused_at_the_cap_once_and_memory_stays_bounded():
    bomb = gzip_bomb(256)  # about 250 KB that inflates to 256 MiB
    with (
        serving(respond(bomb, headers={"Content-Encoding": "gzip"})) as server,
        _client(server.url) as client,
    ):
        tracemalloc.start()
        try:
            with pytest.raises(JoorPermanentError, match="after decompression"):
                client.get_style(1)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert client.usage.requests == 1 and client.usage.retries == 0
    assert server.accepted == 1
    assert peak < 96 * MiB, f"peak {peak / MiB:.0f} MiB"
