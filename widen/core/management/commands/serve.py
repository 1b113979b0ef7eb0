"""`widen serve`: migrate if needed, start the background worker, serve with several processes."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.servers.basehttp import get_internal_wsgi_application
from django.db import connections

from widen.core.serving import default_workers, port_taken_message, serve_forever


class Command(BaseCommand):
    help = "Serve Widen (default http://127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--port", type=int, default=8000, help="The port to serve on (default 8000)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help=(
                "Server processes (default two per processor core and one more, "
                f"at most 12: {default_workers()} here)."
            ),
        )
        parser.add_argument(
            "--threads", type=int, default=4, help="Threads in each process (default 4)."
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="Do not apply migrations first."
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background worker (large imports wait for a worker).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must each be 1 or more.")
        # Before anything else, so a port in use is said plainly and nothing claims to serve.
        taken = port_taken_message(host, port)
        if taken:
            raise CommandError(taken)
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        application = get_internal_wsgi_application()
        # The server processes are forked from this one: none may share its database connection.
        connections.close_all()
        worker = None
        if not options["no_worker"]:
            # Large imports run as background jobs; the worker runs them beside the server.
            worker = subprocess.Popen(background_worker_command())  # noqa: S603 - our own command
        self.stdout.write(
            f"Widen is serving on http://{host}:{port} with {options['workers']} processes of "
            f"{options['threads']} threads (press Ctrl+C to stop)."
        )
        self.stdout.flush()
        try:
            serve_forever(
                application,
                host=host,
                port=port,
                workers=options["workers"],
                threads=options["threads"],
            )
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)


def background_worker_command() -> list[str]:
    """The background worker for the configured queue: Redis's when set, the database's if not."""
    if getattr(settings, "REDIS_URL", ""):
        return [
            sys.executable,
            "-m",
            "widen.cli",
            "rqworker",
            "--job-class",
            "django_tasks_rq.Job",
            "--with-scheduler",
            "default",
        ]
    return [sys.executable, "-m", "widen.cli", "db_worker", "--no-reload"]
