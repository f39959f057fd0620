"""Requests to addresses someone else chose (a webhook receiver's URL): only to the public internet.

A URL a tenant typed must not make a platform process reach what only the platform can reach (server-side
request forgery): the database, the broker, the cloud's metadata service, a private network. So:

- `refused_url(url, allow_loopback=...)` checks a URL when it is given: `https` only, no credentials in it, and a
  literal address must be a public one (with `allow_loopback`, for local testing: also `http`, loopback
  addresses and `localhost`);
- `public_session(allow_loopback=...)` sends requests only to public addresses: every address the host name
  resolves to is checked before connecting, and the address actually connected to is checked again before a
  byte is sent (a name that resolves differently the second time gains nothing). It ignores proxy settings
  of the environment; callers pass `allow_redirects=False` and a timeout.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import connection, connectionpool

LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


class AddressRefused(OSError):
    """The host is (or resolved to) an address that is not on the public internet."""


def public_address(address: str, *, allow_loopback: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not ip.is_multicast


def _literal_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def refused_url(url: str, *, allow_loopback: bool) -> str | None:
    """Why `url` may not be called (a sentence), or None when it may (its name is checked again when called)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        return "Not a valid URL"
    loopback = host in LOOPBACK_NAMES or host.endswith(".localhost") or (
        _literal_address(host) and ipaddress.ip_address(host.split("%", 1)[0]).is_loopback)
    if parts.scheme not in ("https", "http") or not host:
        return "Must be an https:// URL with a host"
    if parts.username is not None or parts.password is not None:
        return "Must not carry credentials"
    if parts.fragment:
        return "Must not have a fragment"
    if loopback:
        return None if allow_loopback else "Must not point at this machine (loopback)"
    if parts.scheme != "https":
        return "Must be an https:// URL"
    if _literal_address(host) and not public_address(host, allow_loopback=False):
        return "Must not point at a private, reserved or loopback address"
    return None


def _checked(address: str, host: str, allow_loopback: bool) -> None:
    if not public_address(address, allow_loopback=allow_loopback):
        raise AddressRefused(f"{address} is not a public address" if address == host else
                             f"{host} is at {address}, not a public address")


def _guarded(base: type[connection.HTTPConnection], allow_loopback: bool) -> type[connection.HTTPConnection]:
    class Guarded(base):
        def _new_conn(self) -> socket.socket:
            for *_, sockaddr in socket.getaddrinfo(self._dns_host, self.port, type=socket.SOCK_STREAM):
                _checked(str(sockaddr[0]), self.host, allow_loopback)
            sock = super()._new_conn()
            try:
                _checked(str(sock.getpeername()[0]), self.host, allow_loopback)
            except AddressRefused:
                sock.close()
                raise
            return sock

    return Guarded


class _PublicOnlyAdapter(HTTPAdapter):
    def __init__(self, allow_loopback: bool):
        self.pools = {
            "http": type("GuardedHTTPPool", (connectionpool.HTTPConnectionPool,),
                         {"ConnectionCls": _guarded(connection.HTTPConnection, allow_loopback)}),
            "https": type("GuardedHTTPSPool", (connectionpool.HTTPSConnectionPool,),
                          {"ConnectionCls": _guarded(connection.HTTPSConnection, allow_loopback)}),
        }
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self.pools


def public_session(*, allow_loopback: bool = False) -> requests.Session:
    """A session that reaches public addresses only (and loopback with `allow_loopback`), never via a proxy."""
    session = requests.Session()
    session.trust_env = False
    adapter = _PublicOnlyAdapter(allow_loopback)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
