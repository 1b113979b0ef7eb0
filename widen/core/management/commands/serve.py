"""`widen serve`: migrate if needed, start the background worker, and serve with waitress."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.servers.basehttp import get_internal_wsgi_application

from widen.core.serving import port_taken_message


class Command(BaseCommand):
    help = "Serve Widen (default http://127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--port", type=int, default=8000, help="The port to serve on (default 8000)."
        )
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-migrate", action="store_true", help="Do not apply migrations first."
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background worker (large imports wait for `widen db_worker`).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress.server import create_server  # type: ignore[import-untyped]  # noqa: PLC0415

        host, port = options["host"], options["port"]
        # Before anything else, so a port in use is said plainly and nothing claims to serve.
        taken = port_taken_message(host, port)
        if taken:
            raise CommandError(taken)
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        try:
            server = create_server(
                get_internal_wsgi_application(),
                host=host,
                port=port,
                threads=options["threads"],
                ident="Widen",
                max_request_body_size=settings.WIDEN_IMPORT_MAX_BYTES + 1024 * 1024,
            )
        except OSError as error:  # taken in the moment since the check
            raise CommandError(port_taken_message(host, port) or str(error)) from error
        worker = None
        if not options["no_worker"]:
            # Large imports run as background jobs; the worker runs them beside the server.
            worker = subprocess.Popen(  # noqa: S603 - our own command, no user input
                [sys.executable, "-m", "widen.cli", "db_worker", "--no-reload"]
            )
        self.stdout.write(f"Widen is serving on http://{host}:{port} (press Ctrl+C to stop).")
        # Stopped by SIGTERM (a service manager, a test), still stop the worker on the way out.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            server.run()
        finally:
            server.close()
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
