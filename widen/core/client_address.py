"""The address a request came from, behind as many trusted proxies as WIDEN_PROXY_COUNT says.

Rate limits on the public pages (booking an event, answering a survey) count requests per
address. Behind a reverse proxy every request arrives from the proxy, so the person's address is
read from X-Forwarded-For: the entry the nearest trusted proxy added, counting from the right, so
an address a client wrote into the header itself is never believed.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or the one the trusted proxies saw."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        forwarded = [
            part for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part
        ]
        if len(forwarded) >= proxies:
            found = _address(forwarded[-proxies])
            if found is not None:
                return found
    return _address(remote) or "0.0.0.0"  # noqa: S104 - an unknown sender shares one count
