"""Where passkeys work: the relying party's domain and the origins allowed to use it, derived
from the settings that already say where Widen is reached (WIDEN_SITE_URL, ALLOWED_HOSTS).

Read by the settings before Django is set up, so this module imports nothing of Django's.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def _is_name(host: str) -> bool:
    """Whether `host` is a domain name (a passkey cannot be bound to an IP address or a
    wildcard)."""
    if not host or host == "*" or "*" in host:
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return True
    return False


def _allowed_names(allowed_hosts: list[str]) -> list[str]:
    names = [host.lstrip(".").lower() for host in allowed_hosts]
    return [name for name in names if _is_name(name)]


def passkeys_domain(*, site_url: str, allowed_hosts: list[str]) -> str:
    """The domain passkeys are bound to: the host of `site_url`, else the first name in
    `allowed_hosts`, else "localhost"."""
    host = (urlsplit(site_url).hostname or "").lower() if site_url else ""
    if _is_name(host):
        return host
    names = _allowed_names(allowed_hosts)
    return names[0] if names else "localhost"


def _inside(name: str, domain: str) -> bool:
    return name == domain or name.endswith(f".{domain}")


def passkeys_origins(*, domain: str, site_url: str, allowed_hosts: list[str]) -> list[str]:
    """The origins whose pages may use passkeys bound to `domain`: `site_url`'s own, and
    https:// on every name in `allowed_hosts` inside `domain`."""
    origins: list[str] = []
    if site_url:
        parts = urlsplit(site_url)
        if parts.scheme and parts.netloc and _inside((parts.hostname or "").lower(), domain):
            origins.append(f"{parts.scheme}://{parts.netloc.lower()}")
    for name in _allowed_names(allowed_hosts):
        if _inside(name, domain) and name != "localhost":
            origins.append(f"https://{name}")
    return list(dict.fromkeys(origins))
