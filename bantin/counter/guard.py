"""Who may count: the site's origin, and the reader's address behind trusted proxies.

Pure functions over header values; the API applies them to hits and votes.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Iterable, Mapping
from urllib.parse import urlsplit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Proxies trusted by default with --trust-proxy: only this machine (nginx in front).
LOOPBACK: tuple[Network, ...] = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str | None) -> str | None:
    """`scheme://host[:port]` of an http(s) URL, lowercase, default port left out; else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def site_origins(configured: Iterable[str], base_url: str | None) -> frozenset[str]:
    """The origins whose pages may count: `--origin` values and the site's own `base_url`."""
    origins = {origin_of(o) or o for o in configured}
    site = origin_of(base_url)
    if site:
        origins.add(site)
    return frozenset(origins)


def from_site(headers: Mapping[str, str], origins: frozenset[str]) -> bool:
    """True if the request comes from one of the site's pages.

    The `Origin` header decides when present (browsers send it with every POST,
    also cross-site, so a counter on another domain still sees the site's origin);
    without it, the origin of `Referer`. A request that carries neither (such as
    `Sec-Fetch-Site: cross-site` with a no-referrer policy) cannot prove where it
    comes from and does not count.
    """
    origin = headers.get("origin")
    if origin is not None:
        return origin.strip().rstrip("/").lower() in origins
    return origin_of(headers.get("referer")) in origins


class TrustedProxies:
    """Our own proxies: loopback plus the `--trusted-proxy` networks.

    Membership is tested on integers from `inet_pton` (C code): with `ipaddress` objects
    the test was a third of the cost of a hit, since every reader's address is new.
    """

    def __init__(self, networks: Iterable[Network] = LOOPBACK):
        self.networks = tuple(networks)
        self._ranges = [(net.version, int(net.network_address), int(net.netmask)) for net in self.networks]

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, str):
            return False
        version, family = (6, socket.AF_INET6) if ":" in address else (4, socket.AF_INET)
        try:
            value = int.from_bytes(socket.inet_pton(family, address), "big")
        except OSError:
            return False
        for v, net, mask in self._ranges:  # a plain loop: any() over a generator costs more here
            if v == version and value & mask == net:
                return True
        return False


def parse_networks(values: Iterable[str]) -> TrustedProxies:
    """Trusted proxies from `--trusted-proxy` values (addresses or CIDR blocks), loopback included."""
    networks: list[Network] = list(LOOPBACK)
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"--trusted-proxy {value!r} is not an IP address or network "
                             "(write e.g. 10.0.0.5 or 10.0.0.0/8)") from None
    return TrustedProxies(networks)


def is_trusted(address: str, trusted: TrustedProxies) -> bool:
    """True if `address` is one of our own proxies."""
    return address in trusted


def client_address(peer: str, forwarded_for: str | None, trusted: TrustedProxies) -> str:
    """The reader's address: the rightmost `X-Forwarded-For` hop that is not our proxy.

    Each proxy appends the address it was connected from, so the entries right of
    the first untrusted one were written by our proxies and the ones left of it by
    whoever connected: a client can prepend anything, never append. Used only when
    the socket peer itself is a trusted proxy.
    """
    if not forwarded_for or peer not in trusted:
        return peer
    for hop in reversed(forwarded_for.split(",")):
        hop = hop.strip()
        if hop and hop not in trusted:
            return hop
    return peer
