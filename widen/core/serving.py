"""Before serving: is the address free? Said plainly, with how to choose another port."""

from __future__ import annotations

import errno
import socket


def port_taken_message(host: str, port: int) -> str | None:
    """Why Widen cannot serve on `host`:`port`, or None when it can.

    Binds the address for a moment as the server will (address reuse on, so a port left in
    TIME_WAIT by a server that just stopped counts as free), then lets it go.
    """
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return f"Widen cannot serve on {host}: no such host name here."
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                return _refusal(host, port, error)
    return None


def _refusal(host: str, port: int, error: OSError) -> str:
    another = port + 1 if port < 65535 else 8000  # noqa: PLR2004 - the highest TCP port
    choose = (
        f"Choose another port: `.venv/bin/widen serve --port {another}` "
        f"(or `make demo PORT={another}`)."
    )
    if error.errno == errno.EADDRINUSE:
        return f"Port {port} on {host} is already in use by another program. {choose}"
    if error.errno == errno.EACCES:
        return f"Port {port} on {host} needs administrator rights here. {choose}"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine, so Widen cannot serve on it."
    return f"Widen cannot serve on {host} port {port}: {error.strerror}. {choose}"
