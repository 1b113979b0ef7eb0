"""Serving: is the address free (said plainly, with how to choose another port), and serving
with several processes sized to the machine."""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings

WSGIApplication = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


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


MAX_DEFAULT_WORKERS = 12


def default_workers() -> int:
    """Two server processes for each processor core this program may use, and one more."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(2 * cores + 1, MAX_DEFAULT_WORKERS)


def serve_forever(
    application: WSGIApplication, *, host: str, port: int, workers: int, threads: int
) -> None:
    """Serve `application` with `workers` processes of `threads` threads each, until stopped.

    Gunicorn's gthread workers: the application is loaded once and the processes forked from it;
    a process that dies is replaced. SIGTERM or Ctrl+C stops it, letting requests finish.
    """
    from gunicorn.app.base import BaseApplication  # noqa: PLC0415 - only when serving

    options: dict[str, Any] = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "preload_app": True,
        "timeout": 120,  # a large export or import check in the page's own request
        "graceful_timeout": 10,
        "proc_name": "widen",
        "errorlog": "-",
        "loglevel": "warning",
        "control_socket_disable": True,  # several servers may run on one machine
    }

    class _Server(BaseApplication):
        def load_config(self) -> None:
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self) -> WSGIApplication:
            return body_limited(application, settings.WIDEN_IMPORT_MAX_BYTES + 1024 * 1024)

    _Server().run()


def body_limited(application: WSGIApplication, max_bytes: int) -> WSGIApplication:
    """Refuse a request whose body is larger than the largest upload, before it is read."""

    def limited(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_bytes:
            start_response(
                "413 Content Too Large",
                [("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")],
            )
            return [b"This file is too large for Widen to accept.\n"]
        return application(environ, start_response)

    return limited
