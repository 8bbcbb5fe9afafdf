"""The outbound HTTP policy: deadline, decoded-size cap, destinations, retry decision, backoff,
redaction and usage counters.

The deadline and the compressed-bomb cases run over real sockets on 127.0.0.1 (tests/core/loopback.py):
what they guard against happens below httpx, in the reads of a socket.
"""

from __future__ import annotations

import base64
import random
import threading
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import quote

import httpcore
import httpx
import pytest

from joorsync.core.outbound import (
    AddressGuardBackend,
    Backoff,
    DestinationPolicy,
    DestinationRefused,
    Limits,
    PolicyTransport,
    Redactor,
    ResponseTooLarge,
    Usage,
    is_public_address,
    network_transport,
    parse_retry_after,
    resolve,
    retryable_error,
    retryable_status,
)
from tests.core.loopback import drip_body, drip_headers, gzip_bomb, gzipped, respond, serving

MiB = 1024 * 1024


def encoded_answer(data: bytes, *, encoding: str = "") -> httpx.Response:
    """An answer whose body is sent as given (content= would make httpx decode it on the spot)."""
    headers = {"Content-Encoding": encoding} if encoding else {}
    return httpx.Response(200, headers=headers, stream=httpx.ByteStream(data))


JOOR_ONLY = DestinationPolicy.allowing(["api.jooraccess.com", "atlas.jooraccess.com"])


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """About 250 KB of gzip that inflates to 256 MiB."""
    return gzip_bomb(256)


def _client(limits: Limits, *, timeout: float = 5.0, **kwargs) -> httpx.Client:
    return httpx.Client(transport=PolicyTransport(limits=limits, **kwargs), timeout=timeout)


# ---------------------------------------------------------------- deadline


def test_a_dripping_body_is_cut_at_the_deadline_though_every_read_beats_the_read_timeout():
    body = b'{"data": "' + b"x" * 200 + b'"}'  # 0.1 s a byte: over 20 s to send it all
    with serving(drip_body(body, every=0.1)) as server, _client(Limits(deadline=1.0), timeout=0.5) as client:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout, match="total deadline of 1s"):
            client.get(server.url)
        elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 1.8, elapsed


def test_dripping_headers_are_cut_at_the_deadline():
    with serving(drip_headers(every=0.1)) as server, _client(Limits(deadline=1.0), timeout=0.5) as client:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout, match="total deadline"):
            client.get(server.url)
        assert time.monotonic() - started < 1.8


def test_a_streamed_body_is_cut_at_the_deadline_too():
    with (
        serving(drip_body(b"y" * 200, every=0.1)) as server,
        _client(Limits(deadline=0.8), timeout=0.5) as client,
    ):
        received = b""
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout), client.stream("GET", server.url) as response:
            for chunk in response.iter_bytes():
                received += chunk
        assert time.monotonic() - started < 1.6
    assert 0 < len(received) < 200


def test_each_request_has_its_own_deadline_on_a_reused_connection():
    with serving(respond(b'{"ok": true}')) as server, _client(Limits(deadline=0.5)) as client:
        assert client.get(server.url).json() == {"ok": True}
        time.sleep(0.6)  # longer than one deadline: the pooled connection must not carry the first's
        assert client.get(server.url).json() == {"ok": True}
        assert server.accepted == 1


def test_the_deadline_holds_for_transports_without_sockets():
    def slow_chunks():
        for _ in range(50):
            time.sleep(0.05)
            yield b"z"

    inner = httpx.MockTransport(lambda request: httpx.Response(200, content=slow_chunks()))
    client = httpx.Client(transport=PolicyTransport(inner, limits=Limits(deadline=0.5)))
    with pytest.raises(httpx.ReadTimeout, match="total deadline"):
        client.get("http://sandbox.test/")


# ---------------------------------------------------------------- size cap after decompression


def test_a_gzip_bomb_stops_at_the_cap_with_bounded_memory(bomb):
    assert len(bomb) < 300 * 1024
    with serving(respond(bomb, headers={"Content-Encoding": "gzip"})) as server:
        with _client(Limits(max_body_bytes=1 * MiB)) as client:
            tracemalloc.start()
            try:
                started = time.monotonic()
                with pytest.raises(ResponseTooLarge, match=r"cap of 1048576 bytes \(after decompression\)"):
                    client.get(server.url)
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
    assert time.monotonic() - started < 2.0
    assert peak < 8 * MiB, f"peak {peak / MiB:.1f} MiB while reading a body capped at 1 MiB"


def test_a_streamed_gzip_bomb_yields_bounded_pieces_and_stops_at_the_cap(bomb):
    with serving(respond(bomb, headers={"Content-Encoding": "gzip"})) as server:
        with _client(Limits(max_body_bytes=4 * MiB)) as client:
            pieces: list[int] = []
            with pytest.raises(ResponseTooLarge), client.stream("GET", server.url) as response:
                assert "content-encoding" not in response.headers  # decoded below httpx
                for chunk in response.iter_bytes():
                    pieces.append(len(chunk))
    assert sum(pieces) <= 4 * MiB
    assert max(pieces) <= 64 * 1024


def test_without_a_cap_a_bomb_still_streams_in_bounded_pieces(bomb):
    with serving(respond(bomb, headers={"Content-Encoding": "gzip"})) as server:
        with _client(Limits(max_body_bytes=None)) as client, client.stream("GET", server.url) as response:
            seen = 0
            for chunk in response.iter_bytes():
                assert len(chunk) <= 64 * 1024
                seen += len(chunk)
                if seen >= 8 * MiB:
                    break
    assert seen >= 8 * MiB


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzipped),
        ("deflate", zlib.compress),  # the zlib wrapper RFC 9110 means
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, which servers also send
        ("identity", lambda data: data),
        ("", lambda data: data),
    ],
)
def test_bodies_are_decoded_and_their_encoding_headers_dropped(encoding, encode):
    body = b'{"styles": [' + b'{"name": "Dress"},' * 5000 + b"{}]}"
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return encoded_answer(encode(body), encoding=encoding)

    client = httpx.Client(transport=PolicyTransport(httpx.MockTransport(answer)))
    response = client.get("http://joor.test/v2/style")
    assert response.content == body
    assert seen[0].headers["Accept-Encoding"] == "gzip, deflate"
    if encoding not in ("", "identity"):
        assert "content-encoding" not in response.headers
        assert "content-length" not in response.headers  # it described the compressed body


def test_a_body_of_exactly_the_cap_passes_and_one_byte_more_does_not():
    body = b"a" * 1000

    def client_for(size: int) -> httpx.Client:
        inner = httpx.MockTransport(lambda r: encoded_answer(gzipped(b"a" * size), encoding="gzip"))
        return httpx.Client(transport=PolicyTransport(inner, limits=Limits(max_body_bytes=1000)))

    assert client_for(1000).get("http://x.test/").content == body
    with pytest.raises(ResponseTooLarge):
        client_for(1001).get("http://x.test/")


def test_an_encoding_that_was_not_offered_is_refused():
    inner = httpx.MockTransport(lambda r: encoded_answer(b"?", encoding="br"))
    with pytest.raises(httpx.DecodingError, match="unsupported Content-Encoding"):
        httpx.Client(transport=PolicyTransport(inner)).get("http://x.test/")


def test_a_corrupt_gzip_body_is_a_decoding_error():
    inner = httpx.MockTransport(lambda r: encoded_answer(b"\x1f\x8bnot gzip at all", encoding="gzip"))
    with pytest.raises(httpx.DecodingError, match="corrupt"):
        httpx.Client(transport=PolicyTransport(inner)).get("http://x.test/")


# ---------------------------------------------------------------- destinations


@pytest.mark.parametrize(
    "url",
    [
        "https://api.jooraccess.com",
        "https://API.JoorAccess.com./v2/style?x=1",
        "https://api.jooraccess.com:443/v4",
        "https://atlas.jooraccess.com/auth/",
    ],
)
def test_joor_only_policy_accepts_joor_hosts_over_https(url):
    JOOR_ONLY.check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://api.jooraccess.com",  # not https
        "https://api.jooraccess.com:6379",  # another port of an allowed host
        "https://169.254.169.254/latest/meta-data/",
        "https://127.0.0.1:6379",
        "https://[::1]:5432",
        "https://10.0.0.1",
        "https://api.jooraccess.com@10.0.0.1/",  # user info pointing elsewhere
        "https://user:pw@api.jooraccess.com/",
        "https://api.jooraccess.com.evil.example/",
        "https://2852039166/",  # 169.254.169.254 as one number
        "ftp://api.jooraccess.com/",
        "https:///nohost",
        "not a url",
    ],
)
def test_joor_only_policy_refuses_everything_else(url):
    with pytest.raises(DestinationRefused):
        JOOR_ONLY.check_url(url)


def test_an_allow_list_entry_with_a_port_allows_that_port_only():
    policy = DestinationPolicy.allowing(["joor-staging.example.com:8443"])
    policy.check_url("https://joor-staging.example.com:8443/v2")
    with pytest.raises(DestinationRefused):
        policy.check_url("https://joor-staging.example.com/v2")


def test_the_open_policy_allows_local_sandboxes():
    DestinationPolicy().check_url("http://127.0.0.1:8701/v2/style")
    assert DestinationPolicy().open and not JOOR_ONLY.open


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "0.0.0.0",  # noqa: S104 - an address under test, nothing binds it
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.10",  # documentation
        "::1",
        "::",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "not-an-address",
    ],
)
def test_non_public_addresses_are_recognised(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_recognised(address):
    assert is_public_address(address)


def test_a_refused_url_reaches_no_transport():
    seen: list[httpx.Request] = []
    inner = httpx.MockTransport(lambda request: seen.append(request) or httpx.Response(200))
    client = httpx.Client(transport=PolicyTransport(inner, destinations=JOOR_ONLY))
    with pytest.raises(DestinationRefused):
        client.get("http://169.254.169.254/latest/meta-data/iam/")
    assert seen == []


class RecordingBackend(httpcore.NetworkBackend):
    """Connects every request to one loopback port, whatever address it is asked for."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.asked: list[str] = []

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.asked.append(host)
        return httpcore.SyncBackend().connect_tcp("127.0.0.1", self.port, timeout=timeout)


def _resolver(table: dict[str, list[str]], calls: list[str] | None = None):
    def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        return table[host]

    return resolve


def test_connections_are_pinned_to_the_address_that_was_resolved_and_checked():
    """`pinned.test` exists only in this test's resolver: the request can only arrive if the socket
    was opened to the address the guard resolved, not resolved again by the OS."""
    with serving(respond(b'{"ok": true}')) as server:
        policy = DestinationPolicy(hosts=frozenset({f"pinned.test:{server.port}"}))
        calls: list[str] = []
        transport = network_transport(
            destinations=policy, resolver=_resolver({"pinned.test": ["127.0.0.1"]}, calls)
        )
        with httpx.Client(transport=PolicyTransport(transport, destinations=policy)) as client:
            assert client.get(f"http://pinned.test:{server.port}/").json() == {"ok": True}
        assert calls == ["pinned.test"] and server.accepted == 1


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], ["169.254.169.254"], ["10.0.0.1"], ["93.184.216.34", "127.0.0.1"], ["::1"]],
)
def test_a_public_only_policy_refuses_a_host_resolving_to_any_private_address(addresses):
    with serving(respond(b"{}")) as server:
        policy = DestinationPolicy(public_addresses_only=True)
        transport = network_transport(destinations=policy, resolver=_resolver({"rebind.test": addresses}))
        with httpx.Client(transport=PolicyTransport(transport, destinations=policy)) as client:
            with pytest.raises(DestinationRefused, match="does not resolve to public addresses only"):
                client.get(f"http://rebind.test:{server.port}/")
        assert server.accepted == 0


def test_every_resolved_address_is_checked_before_any_connection():
    inner = RecordingBackend(port=9)
    guard = AddressGuardBackend(
        inner,
        DestinationPolicy(public_addresses_only=True),
        resolver=_resolver({"mixed.test": ["93.184.216.34", "10.0.0.1"]}),
    )
    with pytest.raises(DestinationRefused):
        guard.connect_tcp("mixed.test", 443, timeout=1)
    assert inner.asked == []


def test_the_connected_peer_is_checked_again():
    """A socket that lands elsewhere than the checked address (a proxying resolver, a rebinding race)
    is closed before a byte is written."""
    with serving(respond(b"{}")) as server:
        inner = RecordingBackend(port=server.port)
        guard = AddressGuardBackend(
            inner,
            DestinationPolicy(public_addresses_only=True),
            resolver=_resolver({"public.test": ["93.184.216.34"]}),
        )
        with pytest.raises(DestinationRefused, match="another address than checked"):
            guard.connect_tcp("public.test", server.port, timeout=1)
        assert inner.asked == ["93.184.216.34"]


def test_the_guard_refuses_hosts_off_the_list_at_connect_time_too():
    guard = AddressGuardBackend(RecordingBackend(port=9), JOOR_ONLY, resolver=_resolver({}))
    with pytest.raises(DestinationRefused):
        guard.connect_tcp("169.254.169.254", 80, timeout=1)
    with pytest.raises(DestinationRefused):
        guard.connect_unix_socket("/var/run/docker.sock")


def test_the_real_resolver_returns_addresses_without_duplicates():
    addresses = resolve("localhost", 80)
    assert addresses and len(addresses) == len(set(addresses))
    assert all(not is_public_address(a) for a in addresses)


# ---------------------------------------------------------------- retry decision and backoff


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504, 599])
def test_transient_statuses_are_retried(status):
    assert retryable_status(status)


@pytest.mark.parametrize("status", [200, 301, 400, 401, 403, 404, 408, 409, 413, 422, 501, 505])
def test_other_statuses_are_final(status):
    assert not retryable_status(status)


def test_network_failures_are_retried_and_policy_refusals_are_not():
    assert retryable_error(httpx.ConnectError("refused"))
    assert retryable_error(httpx.ReadTimeout("slow"))
    assert retryable_error(httpx.RemoteProtocolError("cut"))
    assert not retryable_error(DestinationRefused("no"))
    assert not retryable_error(ResponseTooLarge("big", limit=1))
    assert not retryable_error(ValueError("bug"))


def test_retry_after_is_read_in_both_forms_and_capped():
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("86400000") == 900.0
    assert parse_retry_after("86400000", cap=60) == 60.0
    assert parse_retry_after("-5") == 0.0
    assert (
        parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now=lambda: now) == 30.0
    )
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now=lambda: now) == 0.0
    for unreadable in (None, "", "soon", "nan", "Wed, 99 Foo 2026"):
        assert parse_retry_after(unreadable) is None


def test_backoff_is_jittered_exponential_and_capped():
    backoff = Backoff(base=1.0, cap=8.0, rng=random.Random(1))
    for retry, (low, high) in enumerate([(0.5, 1), (1, 2), (2, 4), (4, 8), (4, 8)], start=1):
        delays = {backoff.delay(retry) for _ in range(50)}
        assert all(low <= d <= high for d in delays) and len(delays) > 1
    assert 4 <= backoff.delay(10_000) <= 8  # no overflow however many retries


def test_backoff_honours_retry_after_within_its_cap():
    backoff = Backoff(base=0.5, cap=30.0, max_retry_after=60.0, rng=random.Random(1))
    assert backoff.delay(1, retry_after=2.0) == 2.0
    assert backoff.delay(1, retry_after=10_000.0) == 60.0
    assert 0.25 <= backoff.delay(1, retry_after=0.0) <= 0.5  # never sooner than the backoff


# ---------------------------------------------------------------- redaction and usage


def test_redaction_masks_a_secret_in_every_spelling_a_server_could_echo():
    secret = "s3cr3t+/token=="
    redact = Redactor(lambda: [secret, None, "ab"], mask="[redacted]")
    text = " ".join(
        [secret, base64.b64encode(secret.encode()).decode(), quote(secret, safe=""), "ab stays", "plain"]
    )
    cleaned = redact(text)
    assert secret not in cleaned and base64.b64encode(secret.encode()).decode() not in cleaned
    assert quote(secret, safe="") not in cleaned
    assert cleaned.count("[redacted]") == 3 and "ab stays plain" in cleaned


def test_redaction_follows_secrets_as_they_change():
    secrets = ["first-token"]
    redact = Redactor(lambda: secrets)
    secrets.append("second-token")
    assert redact("first-token second-token") == "*** ***"


def test_usage_counters_have_one_shape():
    usage = Usage()
    usage.add(requests=2, cost=5)
    usage.add(retries=1, throttled=1, auth_requests=1)
    snapshot = usage.snapshot()
    assert snapshot.as_dict() == {"requests": 2, "auth_requests": 1, "retries": 1, "throttled": 1, "cost": 5}
    assert snapshot.credits == 5
    with pytest.raises(ValueError, match="unknown usage counter"):
        usage.add(credit=1)


def test_usage_counters_are_thread_safe():
    usage = Usage()

    def work() -> None:
        for _ in range(1000):
            usage.add(requests=1)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert usage.snapshot().requests == 8000
