"""The one way out: every HTTP call GDT makes to another system goes through `request` here.

A URL an admin typed (a partner's webhook) or a configured service (PDOK) must never reach the inside
of the network: the name is resolved once, every address is checked (loopback, private, link-local,
multicast, unspecified and reserved are refused, IPv4-mapped IPv6 included, unless the network is in
OUTBOUND_ALLOWED_NETWORKS), and the connection goes to exactly the address that was checked, with the
name kept for Host and TLS (SNI, certificate) so a second DNS answer cannot redirect it. Redirects are
not followed; connect/read time and response size are bounded. Errors carry a `detail` for the log;
people see a generic message (see docs/decisions/0015-outbound-client.md).
"""
import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app

Resolver = Callable[[str, int], list[str]]
DEFAULT_MAX_BYTES = 1_000_000
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class OutboundError(Exception):
    """The call did not happen or did not finish; `detail` is for the operator's log, never for people."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail[:300]


class OutboundRefused(OutboundError):
    """The URL or the address it resolves to is not a place GDT may call."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: dict


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives; numeric spellings (`2130706433`, `0x7f.1`) come back normalised."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise OutboundError(f"cannot resolve {host!r}: {error}") from error
    return [info[4][0] for info in infos]


@dataclass(frozen=True)
class Policy:
    """The settings that decide where GDT may call, read once so a worker thread without an app can use them."""

    allow_http: bool
    networks: tuple


def allowed_networks(setting: str | Iterable[str]) -> tuple:
    """OUTBOUND_ALLOWED_NETWORKS (comma-separated, or a list) as ip_network objects."""
    items = setting.split(",") if isinstance(setting, str) else setting
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def current_policy() -> Policy:
    """The current app's OUTBOUND_ALLOW_HTTP and OUTBOUND_ALLOWED_NETWORKS."""
    config = current_app.config
    return Policy(bool(config.get("OUTBOUND_ALLOW_HTTP")),
                  allowed_networks(config.get("OUTBOUND_ALLOWED_NETWORKS", "")))


def address_refusal(address: str, networks: Iterable) -> str | None:
    """Why `address` may not be called, or None when it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone id is not part of the address
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    elif ip.version == 6 and (ip.sixtofour or ip in NAT64):
        ip = ip.sixtofour or ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)  # IPv6 spellings that reach an IPv4 host
    if any(ip in network for network in networks):
        return None
    for kind in ("loopback", "private", "link_local", "multicast", "unspecified", "reserved", "site_local"):
        if getattr(ip, f"is_{kind}", False):
            return f"{kind} address {ip}"
    if not ip.is_global:  # shared (100.64/10), documentation, 6to4/teredo relays and the like
        return f"non-global address {ip}"
    return None


def check_url(url: str, *, resolver: Resolver | None = None, resolve_unknown: bool = True,
              policy: Policy | None = None) -> tuple:
    """(scheme, host, port, vetted address) for `url`; OutboundRefused when it may not be called.

    With resolve_unknown=False a name that does not resolve passes (an admin may save a partner whose
    name is not live yet); it is checked again when called.
    """
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise OutboundRefused(f"malformed URL: {error}") from error
    rules = policy or current_policy()
    schemes = ("https", "http") if rules.allow_http else ("https",)
    if parts.scheme not in schemes:
        raise OutboundRefused(f"scheme {parts.scheme!r} not allowed")
    if not parts.hostname or parts.username or parts.password:
        raise OutboundRefused("URL without host, or with credentials")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = (resolver or system_resolver)(parts.hostname, port)
    except OutboundError:
        if resolve_unknown:
            raise
        return parts.scheme, parts.hostname, port, None
    if not addresses:
        raise OutboundRefused(f"no address for {parts.hostname!r}")
    for address in addresses:  # one bad answer refuses the name: the next lookup could pick it
        if reason := address_refusal(address, rules.networks):
            raise OutboundRefused(f"{parts.hostname!r} resolves to a {reason}")
    return parts.scheme, parts.hostname, port, addresses[0]


def validate_url(url: str, *, resolver: Resolver | None = None, policy: Policy | None = None) -> None:
    """For forms and APIs that store a URL GDT will call: OutboundRefused when it could never be called."""
    check_url(url, resolver=resolver, resolve_unknown=False, policy=policy)


def request(method: str, url: str, *, body: bytes | None = None, headers: dict | None = None,
            timeout: float, max_bytes: int = DEFAULT_MAX_BYTES, resolver: Resolver | None = None,
            policy: Policy | None = None) -> Response:
    """One HTTP request to a vetted address. Any status comes back as a Response (3xx is not followed);
    OutboundRefused for a forbidden destination, OutboundError for a failure, a slow answer or too many bytes."""
    rules = policy or current_policy()
    scheme, host, port, address = check_url(url, resolver=resolver, policy=rules)
    parts = urllib.parse.urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    networks = rules.networks
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address=address, networks=networks, timeout=timeout)
    deadline = time.monotonic() + timeout
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        chunks, size = [], 0
        while chunk := answer.read1(65536):  # read1: a server that trickles bytes still meets the deadline
            size += len(chunk)
            if size > max_bytes:
                raise OutboundError(f"response larger than {max_bytes} bytes")
            if time.monotonic() > deadline:
                raise OutboundError(f"response not complete within {timeout} s")
            chunks.append(chunk)
        return Response(answer.status, b"".join(chunks), dict(answer.getheaders()))
    except OutboundError:
        raise
    except (OSError, http.client.HTTPException) as error:  # timeouts, refused connections, TLS, bad answers
        raise OutboundError(f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()


def _connect(address: str, port: int, networks: tuple, timeout: float) -> socket.socket:
    if reason := address_refusal(address, networks):  # checked again right before the socket opens
        raise OutboundRefused(f"connect to a {reason}")
    return socket.create_connection((address, port), timeout=timeout)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the vetted address; `host` (the name) still goes into the Host header."""

    def __init__(self, host, port, *, address, networks, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address, self._networks = address, networks

    def connect(self):
        self.sock = _connect(self._address, self.port, self._networks, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above over TLS: SNI and the certificate check use the name, not the address."""

    def __init__(self, host, port, *, address, networks, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address, self._networks = address, networks

    def connect(self):
        sock = _connect(self._address, self.port, self._networks, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
