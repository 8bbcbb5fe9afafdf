"""Where a request may go: a host allow-list checked on the URL, and an address check at connect time.

A URL naming an allowed host proves little on its own: DNS decides where the connection lands, and a
name that resolved to a public address when the URL was saved can resolve to 127.0.0.1 or the cloud
metadata address (169.254.169.254) when the request is sent (DNS rebinding). So the address check
happens in the network backend itself: the host is resolved once, every address it resolves to must be
public, the socket is opened to one of those checked addresses (the connection is pinned to what was
checked, not resolved again by the OS), and the peer of the open socket is checked once more.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpcore
import httpx

from .errors import DestinationRefused

DEFAULT_PORTS = {"http": 80, "https": 443}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to for a TCP connection, in the resolver's order, deduplicated."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"could not resolve {host}") from exc
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, Teredo client), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def is_public_address(address: str) -> bool:
    """True only for a globally routable unicast address: never private, loopback, link-local,
    multicast, reserved, unspecified or shared (CGNAT), nor an IPv6 form wrapping one of those."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _normal_host(host: str) -> str:
    return host.strip().lower().rstrip(".")


@dataclass(frozen=True)
class DestinationPolicy:
    """What a client may reach. The default allows everything (local runs, tests against sandboxes).

    `hosts`: allowed host names, each "name" (the scheme's default port only) or "name:port"; None
    allows any host. `https_only`: refuse plain http. `public_addresses_only`: every address a host
    resolves to, and the connected peer, must be public (see `is_public_address`).
    """

    hosts: frozenset[str] | None = None
    https_only: bool = False
    public_addresses_only: bool = False

    @classmethod
    def allowing(
        cls, hosts: Iterable[str], *, https_only: bool = True, public_only: bool = True
    ) -> DestinationPolicy:
        return cls(
            hosts=frozenset(_normal_host(h) for h in hosts if h.strip()),
            https_only=https_only,
            public_addresses_only=public_only,
        )

    @property
    def open(self) -> bool:
        return self.hosts is None and not self.https_only and not self.public_addresses_only

    def check_url(self, url: str | httpx.URL) -> None:
        """Raise `DestinationRefused` unless a request to `url` may be sent (before any DNS lookup)."""
        try:
            parsed = url if isinstance(url, httpx.URL) else httpx.URL(str(url).strip())
        except (httpx.InvalidURL, TypeError, ValueError):
            raise DestinationRefused("not a valid URL") from None
        scheme = parsed.scheme
        if scheme not in DEFAULT_PORTS:
            raise DestinationRefused("only http(s) URLs are allowed")
        if self.https_only and scheme != "https":
            raise DestinationRefused("only https URLs are allowed")
        if parsed.userinfo:
            raise DestinationRefused("URLs with a user name or password are not allowed")
        host = _normal_host(parsed.host)
        if not host:
            raise DestinationRefused("the URL has no host")
        port = parsed.port or DEFAULT_PORTS[scheme]
        if self.hosts is not None:
            allowed = (port == DEFAULT_PORTS[scheme] and host in self.hosts) or f"{host}:{port}" in self.hosts
            if not allowed:
                raise DestinationRefused(f"{host} is not an allowed host")
        if self.public_addresses_only and _is_ip_literal(host) and not is_public_address(host):
            raise DestinationRefused(f"{host} is not a public address")

    def check_host(self, host: str) -> None:
        """The connect-time half of the host rule (the port was checked with the URL)."""
        if self.hosts is None:
            return
        name = _normal_host(host)
        if name not in self.hosts and not any(entry.startswith(f"{name}:") for entry in self.hosts):
            raise DestinationRefused(f"{name} is not an allowed host")

    def check_address(self, address: str, *, host: str) -> None:
        if self.public_addresses_only and not is_public_address(address):
            # The address stays out of the message: it would tell a caller what lives where.
            raise DestinationRefused(f"{host} does not resolve to public addresses only")


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _same_address(a: str, b: str) -> bool:
    try:
        return ipaddress.ip_address(a.split("%", 1)[0]) == ipaddress.ip_address(b.split("%", 1)[0])
    except ValueError:
        return False


class AddressGuardBackend(httpcore.NetworkBackend):
    """An httpcore network backend that resolves, checks and pins every TCP connection it opens."""

    def __init__(
        self,
        inner: httpcore.NetworkBackend,
        policy: DestinationPolicy,
        *,
        resolver: Resolver = resolve,
    ) -> None:
        self._inner = inner
        self._policy = policy
        self._resolve = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        self._policy.check_host(host)
        addresses = self._resolve(host, port)
        if not addresses:
            raise httpcore.ConnectError(f"could not resolve {host}")
        for address in addresses:  # all of them: the OS could otherwise fall back to a refused one
            self._policy.check_address(address, host=host)
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            self._check_peer(stream, address, host)
            return stream
        assert failure is not None
        raise failure

    def _check_peer(self, stream: httpcore.NetworkStream, address: str, host: str) -> None:
        peer = stream.get_extra_info("server_addr")
        peer_address = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        try:
            if not _same_address(peer_address, address):
                raise DestinationRefused(f"the connection to {host} reached another address than checked")
            self._policy.check_address(peer_address, host=host)
        except DestinationRefused:
            stream.close()
            raise

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise DestinationRefused("unix sockets are not an outbound destination")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
