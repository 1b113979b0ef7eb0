"""Several server processes (and machines) share one cache, one set of rate-limit counts and one
job queue: the database by default, Redis when WIDEN_REDIS_URL names a server.

Each test starts real `widen` processes with the deployment's settings. The Redis cases run when
WIDEN_TEST_REDIS_URL names a Redis server (`.ci/run` starts one); with
WIDEN_TEST_REDIS_REQUIRED=1 a missing or silent server fails them instead of skipping them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.browser.support import run_module
from tests.databases import fresh_postgres_database

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.xdist_group("shared-cache")

PRINT_ANSWER = "import json; print('ANSWER=' + json.dumps(answer))"


def _redis_url() -> str | None:
    url = os.environ.get("WIDEN_TEST_REDIS_URL", "")
    required = os.environ.get("WIDEN_TEST_REDIS_REQUIRED", "") == "1"
    if not url:
        if required:
            pytest.fail("WIDEN_TEST_REDIS_REQUIRED=1 but WIDEN_TEST_REDIS_URL names no server.")
        pytest.skip("WIDEN_TEST_REDIS_URL is not set (CI starts a Redis server and sets it).")
    import redis  # noqa: PLC0415

    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        pytest.fail(f"The Redis server at {url} does not answer: {error}")
    return url


def _deployment(data_dir: Path) -> dict[str, str]:
    """The environment of a deployment keeping its files in `data_dir` (and no settings of ours)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "WIDEN_", "REDIS_"))
    }
    environment["WIDEN_DATA_DIR"] = str(data_dir)
    return environment


@pytest.fixture(scope="session")
def database_deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A deployment with a database of its own: SQLite under its data folder, or a new database
    on the PostgreSQL server the tests use (never a database other tests are using)."""
    environment = _deployment(tmp_path_factory.mktemp("deployment"))
    url = environment.get("DATABASE_URL", "")
    with ExitStack() as stack:
        if url.startswith("postgres"):
            environment["DATABASE_URL"] = stack.enter_context(
                fresh_postgres_database(url, prefix="widen_shared_cache")
            )
        _widen(environment, "createcachetable")
        yield environment


@pytest.fixture(params=["database", "redis"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """A deployment sharing its cache through the database or Redis."""
    if request.param == "redis":
        return _deployment(tmp_path) | {"WIDEN_REDIS_URL": str(_redis_url())}
    database: dict[str, str] = request.getfixturevalue("database_deployment")
    return database


def _widen(
    environment: dict[str, str], *arguments: str, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    finished = run_module("widen.cli", list(arguments), environment, timeout=timeout)
    assert finished.returncode == 0, finished.stderr[-3000:]
    return finished


def _start_python(environment: dict[str, str], code: str) -> subprocess.Popen[str]:
    """Another process running `code` with the deployment's settings; it sets `answer`."""
    program = f"import django; django.setup()\n{code}\n{PRINT_ANSWER}"
    return subprocess.Popen(  # noqa: S603 - our own code
        [sys.executable, "-c", program],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "widen.config.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _answer(process: subprocess.Popen[str]) -> object:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-3000:]
    (line,) = [line for line in out.splitlines() if line.startswith("ANSWER=")]
    return json.loads(line.removeprefix("ANSWER="))


def _in_another_process(environment: dict[str, str], code: str) -> object:
    return _answer(_start_python(environment, code))


def test_what_one_process_caches_another_reads(shared: dict[str, str]) -> None:
    key = f"shared-{uuid.uuid4().hex}"
    written = _in_another_process(
        shared,
        f"from django.core.cache import cache\ncache.set({key!r}, 'from the first', 300)\n"
        "from django.core.cache import caches\nanswer = type(caches['default']).__name__",
    )
    read = _in_another_process(
        shared, f"from django.core.cache import cache\nanswer = cache.get({key!r})"
    )
    assert read == "from the first"
    expected = "RedisCache" if "WIDEN_REDIS_URL" in shared else "SharedDatabaseCache"
    assert written == expected


RATE_LIMITED = """
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited
request = RequestFactory().post("/events/book/", REMOTE_ADDR="203.0.113.7")
answer = [
    is_ratelimited(request, group={group!r}, key="ip", rate="{rate}", method="POST", increment=True)
    for _ in range({times})
]
"""


def test_a_rate_limit_is_counted_across_two_server_processes(shared: dict[str, str]) -> None:
    group = f"booking-{uuid.uuid4().hex}"
    first = _in_another_process(shared, RATE_LIMITED.format(group=group, rate="3/h", times=2))
    second = _in_another_process(shared, RATE_LIMITED.format(group=group, rate="3/h", times=2))
    assert first == [False, False]
    assert second == [False, True]  # the fourth booking from that address, wherever it landed


def test_two_processes_counting_at_once_lose_no_count(shared: dict[str, str]) -> None:
    group = f"survey-{uuid.uuid4().hex}"
    counting = RATE_LIMITED.format(group=group, rate="1000/h", times=30)
    both = [_start_python(shared, counting), _start_python(shared, counting)]
    for process in both:
        assert _answer(process) == [False] * 30
    count = _in_another_process(
        shared,
        "from django_ratelimit.core import get_usage\n"
        + RATE_LIMITED.format(group=group, rate="1000/h", times=0)
        + f"usage = get_usage(request, group={group!r}, key='ip', rate='1000/h', "
        "method='POST', increment=False)\nanswer = usage['count']",
    )
    assert count == 60


def test_a_job_queued_to_redis_is_run_by_a_worker(tmp_path: Path) -> None:
    environment = _deployment(tmp_path) | {"WIDEN_REDIS_URL": str(_redis_url())}
    key = f"job-{uuid.uuid4().hex}"
    queued = _in_another_process(
        environment,
        "from tests.redis_jobs import note_leave\n"
        f"result = note_leave.enqueue({key!r}, 'done by the worker')\n"
        "answer = [result.id, type(result.task.get_backend()).__name__]",
    )
    assert isinstance(queued, list)
    job_id, backend = queued
    assert backend == "RQBackend"
    waiting = _in_another_process(
        environment, f"from django.core.cache import cache\nanswer = cache.get({key!r})"
    )
    assert waiting is None  # nothing runs it until a worker takes it from Redis
    # The worker `widen serve` starts with Redis; --burst: it stops when the queue is empty.
    _widen(environment, "rqworker", "--job-class", "django_tasks_rq.Job", "--burst", "default")
    after = _in_another_process(
        environment,
        "from django.core.cache import cache\nfrom tests.redis_jobs import note_leave\n"
        f"result = note_leave.get_result({job_id!r})\n"
        f"answer = [cache.get({key!r}), result.status.name]",
    )
    assert after == ["done by the worker", "SUCCESSFUL"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment["WIDEN_DATA_DIR"] = str(tmp_path)
    environment.pop("DATABASE_URL", None)
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "widen.cli", "serve", "--port", str(port), "--workers", "3"]
        + ["--threads", "2", "--no-worker", "--no-migrate"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_serve_answers_from_several_processes(server: tuple[subprocess.Popen[str], int]) -> None:
    process, port = server
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as answer:  # noqa: S310
                assert answer.status == 200
                break
        except OSError:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the server did not answer within a minute"
            time.sleep(0.3)
    # The first process to start answers at once; the others may still be starting.
    children_file = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    while len(children_file.read_text().split()) < 3 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert len(children_file.read_text().split()) == 3
