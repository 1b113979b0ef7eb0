"""Many people at once: 50 clients against `widen serve`, several processes beside one.

The data is the demo partnership (`widen demo`: 5,000 learners, as the demo has, or the run's
`--learners` if fewer). The clients are threads of this program, each with its own kept-alive
connection, asking one after another, without pause, for the four addresses below in turn (each
client starting at a different one):

* the learner list page, signed in as the demo's outreach officer (the first 50 learners by name,
  with their access-log row);
* the learner API's list (the same person's API token, the first 50);
* the partnership's dashboard;
* a public event's page (nobody signed in).

The same load runs against `widen serve` as deployed (several processes, sized to the machine)
and against one process of eight threads (how `widen serve` ran before). For each address and for
all four together the table shows the median and 95th percentile of the time to a whole answer,
and the answers per second; the single-process figures are the baseline. Every answer must be
200 (anything else is a failure of the run, not a timing).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.databases import connection_url
from benchmarks.harness import Measurement, SectionRun, Timing
from widen.core.serving import default_workers

CLIENTS = 50
SECONDS = 30
QUICK_SECONDS = 3
WARMUP_SECONDS = 3
QUICK_WARMUP_SECONDS = 1
AIM_P95_MS = 150
SINGLE_PROCESS_THREADS = 8  # `widen serve` before it ran several processes
HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    signed_in: bool = False  # sent with the client's own session cookie


@dataclass
class Tally:
    """Each answer's time in milliseconds, by target; answers that were not 200."""

    samples: dict[str, list[float]]
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def run(bench: SectionRun) -> None:
    from widen.demo.builder import DEFAULT_LEARNERS as DEMO_LEARNERS  # noqa: PLC0415
    from widen.demo.builder import demo_build  # noqa: PLC0415 - once Django is set up

    learners = min(bench.options.learners, DEMO_LEARNERS)
    bench.scale = learners
    with bench.stopwatch(f"build the demo partnership with {learners:,} learners"):
        demo_build(learners=learners, reset=False)
    targets, cookies = _targets()
    seconds = QUICK_SECONDS if bench.options.quick else SECONDS
    workers = default_workers()
    bench.facts |= {
        "clients": CLIENTS,
        "seconds_per_server": seconds,
        "processes": workers,
        "threads_per_process": 4,
        "single_process_threads": SINGLE_PROCESS_THREADS,
        "cpu_cores": os.cpu_count(),
    }
    tallies: dict[str, Tally] = {}
    for label, arguments in (
        ("one process", ["--workers", "1", "--threads", str(SINGLE_PROCESS_THREADS)]),
        (f"{workers} processes", ["--workers", str(workers), "--threads", "4"]),
    ):
        with _server(arguments) as (port, server_pid):
            bench.say(f"{CLIENTS} clients for {seconds} s against {label}")
            warmup = QUICK_WARMUP_SECONDS if bench.options.quick else WARMUP_SECONDS
            _load(port, targets, cookies, warmup)  # templates, connections, caches
            before = _processor_seconds(server_pid)
            tallies[label] = _load(port, targets, cookies, seconds)
            used = _processor_seconds(server_pid) - before
            answers = sum(len(samples) for samples in tallies[label].samples.values())
            if answers and used > 0:
                # Processor time the server spent per answer: what the machine's load does not
                # change much, and what bounds the answers per second its cores can give.
                bench.facts[f"processor ms per answer, {label}"] = round(1000 * used / answers, 1)
    single, multi = tallies.values()
    multi_label = next(iter(reversed(tallies)))
    for tally in tallies.values():
        bench.failures.extend(tally.failures[:5])
    for name in [*(target.name for target in targets), "all four"]:
        for label, tally in tallies.items():
            samples = _samples(tally, name)
            if not samples:
                continue
            baseline = _samples(single, name) if tally is multi else None
            bench.record(
                Measurement(
                    case=f"{name}: {label}",
                    scale=learners,
                    timing=Timing(tuple(samples)),
                    baseline=Timing(tuple(baseline)) if baseline else None,
                    baseline_label="one process",
                    details={"requests_per_second": len(samples) / seconds},
                )
            )
    bench.baseline_heading = "one process ms"
    bench.ratio_heading = "vs one"
    p95 = Timing(tuple(_samples(multi, "all four")) or (0.0,)).p95_ms
    verdict = "met" if p95 < AIM_P95_MS else f"missed by {p95 - AIM_P95_MS:,.0f} ms"
    bench.facts["aim"] = (
        f"95th percentile under {AIM_P95_MS} ms for all four with {multi_label}: "
        f"{p95:,.0f} ms, {verdict}"
    )


def _samples(tally: Tally, name: str) -> list[float]:
    if name == "all four":
        return [sample for samples in tally.samples.values() for sample in samples]
    return tally.samples.get(name, [])


def _targets() -> tuple[list[Target], list[str]]:
    """The four addresses, and a session and an API token for the demo's outreach officer."""
    from django.conf import settings  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django_otp import DEVICE_ID_SESSION_KEY  # noqa: PLC0415
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415

    from widen.accounts.capabilities import partnerships_of  # noqa: PLC0415
    from widen.accounts.models import User  # noqa: PLC0415
    from widen.accounts.services import api_token_create  # noqa: PLC0415
    from widen.events.selectors import public_events  # noqa: PLC0415

    officer = User.objects.get(username="outreach.officer")
    device = TOTPDevice.objects.filter(user=officer, confirmed=True).first()
    session_ids = []
    for _ in range(CLIENTS):  # each client signed in on its own, as 50 people would be
        client = Client(HTTP_HOST="localhost")
        client.force_login(officer)  # a session in the database, which the servers read
        session = client.session
        if device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        session_ids.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    cookies = [f"{settings.SESSION_COOKIE_NAME}={session_id}" for session_id in session_ids]
    token = api_token_create(user=officer, name="load benchmark")[1]
    partnership = partnerships_of(officer).order_by("name").first()
    if partnership is None:
        raise RuntimeError("The demo's outreach officer works in no partnership.")
    event = public_events().order_by("starts_at").first()
    if event is None:
        raise RuntimeError("The demo has no public event still to come.")
    return [
        Target("learner list page", "/learners/", signed_in=True),
        Target("learner API list", "/api/v1/learners", {"Authorization": f"Bearer {token}"}),
        Target("dashboard", f"/reporting/partnerships/{partnership.pk}/", signed_in=True),
        Target("public event page", f"/events/public/{event.pk}/"),
    ], cookies


@contextlib.contextmanager
def _server(arguments: list[str]) -> Iterator[tuple[int, int]]:
    """`widen serve` on the benchmark's database, until the block ends."""
    from django.db import connection, connections  # noqa: PLC0415

    port = _free_port()
    environment = {
        key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"
    }
    environment["DATABASE_URL"] = connection_url(connection.vendor, connection.settings_dict)
    connections.close_all()  # SQLite: let the server's processes write
    with tempfile.TemporaryDirectory(prefix="widen-load-") as data_dir:
        environment["WIDEN_DATA_DIR"] = data_dir
        process = subprocess.Popen(
            [sys.executable, "-m", "widen.cli", "serve", "--port", str(port), "--no-migrate"]
            + ["--no-worker", *arguments],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _wait_until_serving(process, port)
            yield port, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _processor_seconds(pid: int) -> float:
    """Processor time used so far by the server's processes (0 where /proc cannot tell)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for process in [str(pid), *children]:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    except (OSError, IndexError, ValueError):
        return 0.0
    return total


def _free_port() -> int:
    import socket  # noqa: PLC0415

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
    return port


def _wait_until_serving(process: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"`widen serve` stopped: {error[-2000:]}")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/accounts/login/", headers={"Host": "localhost"})
            if connection.getresponse().status == 200:  # noqa: PLR2004
                connection.close()
                return
        time.sleep(0.2)
    raise RuntimeError("`widen serve` did not answer within two minutes.")


def _load(port: int, targets: list[Target], cookies: list[str], seconds: float) -> Tally:
    """`CLIENTS` threads asking without pause for `seconds`."""
    tally = Tally(samples={target.name: [] for target in targets})
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_client, args=(port, targets, cookies[number], number, stop_at, tally)
        )
        for number in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def _client(
    port: int, targets: list[Target], cookie: str, number: int, stop_at: float, tally: Tally
) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    turn = number
    mine: dict[str, list[float]] = {target.name: [] for target in targets}
    failures: list[str] = []
    try:
        while time.monotonic() < stop_at:
            target = targets[turn % len(targets)]
            turn += 1
            started = time.perf_counter()
            try:
                connection.request("GET", target.path, headers=_headers(target, cookie))
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                failures.append(f"{target.name}: {error!r}")
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:  # noqa: PLR2004
                failures.append(f"{target.name}: answered {response.status}")
                continue
            mine[target.name].append(elapsed)
    finally:
        connection.close()
    with tally.lock:
        for name, samples in mine.items():
            tally.samples[name].extend(samples)
        tally.failures.extend(failures)


def _headers(target: Target, cookie: str) -> dict[str, Any]:
    signed_in = {"Cookie": cookie} if target.signed_in else {}
    return {"Host": "localhost", **target.headers, **signed_in}
