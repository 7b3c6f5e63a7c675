"""Who may scrape /metrics: a bearer token (compared in constant time) or an address in an allowed network.

The address is `request.remote_addr`, the client as the app sees it after ProxyFix (PROXY_FIX_X_FOR). Behind a
reverse proxy without PROXY_FIX_X_FOR every request seems to come from the proxy: never list its address then.
"""
import hmac
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class ScrapeAccess:
    token: str
    networks: tuple[Network, ...]

    @classmethod
    def from_config(cls, config: Mapping) -> "ScrapeAccess":
        return cls(config.get("METRICS_TOKEN") or "", parse_networks(config.get("METRICS_ALLOWED_NETWORKS") or ""))

    @property
    def enabled(self) -> bool:
        return bool(self.token or self.networks)

    def allows(self, authorization: str | None, address: str | None) -> bool:
        return self._token_matches(authorization) or self._address_allowed(address)

    def _token_matches(self, authorization: str | None) -> bool:
        if not self.token or not authorization:
            return False
        scheme, _, given = authorization.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.token.encode())

    def _address_allowed(self, address: str | None) -> bool:
        if not self.networks or not address:
            return False
        try:
            client = ipaddress.ip_address(address)
        except ValueError:
            return False
        if isinstance(client, ipaddress.IPv6Address) and client.ipv4_mapped is not None:
            client = client.ipv4_mapped  # ::ffff:10.0.0.5 on a dual-stack socket is 10.0.0.5
        return any(client in network for network in self.networks)


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated networks (`10.0.0.0/24`) or single addresses; a wrong entry is refused with its name."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"METRICS_ALLOWED_NETWORKS: {item!r} is not an address or a network") from None
    return tuple(networks)
