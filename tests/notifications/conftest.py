"""A private Redis and private Celery workers, for the tests that stop or kill them.

The shared Redis on 6379 is never touched: each test that needs an outage gets its own
``redis-server`` on a free port, and its own ``celery worker`` processes (optionally with the
beat scheduler embedded), which it may SIGKILL by process id.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from django.conf import settings

from staffing.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, timeout: float = 60.0, interval: float = 0.2):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    def __init__(self, directory: Path):
        self.port = _free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def _cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True, timeout=10
        )

    def is_up(self) -> bool:
        return self._cli("ping").stdout.strip() == "PONG"

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "yes",
                "--dir", str(self.directory),
                "--pidfile", str(self.directory / "redis.pid"),
                "--logfile", str(self.directory / "redis.log"),
            ],
            check=True,
        )  # fmt: skip
        wait_for(self.is_up, timeout=20)

    def stop(self) -> None:
        """Stop this server (and only this one), dropping every message it held."""
        self._cli("shutdown", "nosave")
        wait_for(lambda: not self.is_up(), timeout=20)

    def count(self, *command: str) -> int:
        return int(self._cli(*command).stdout.strip() or 0)

    def oldest_unacked_age(self) -> float:
        """Seconds since a worker took the oldest message it has not acknowledged (0: none)."""
        found = self._cli("zrange", "unacked_index", "0", "0", "WITHSCORES").stdout.split()
        return time.time() - float(found[1]) if len(found) == 2 else 0.0


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of this test alone; the test process publishes to it while the test runs."""
    directory = tmp_path / "redis"
    directory.mkdir()
    redis = PrivateRedis(directory)
    redis.start()
    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    _publish_to(redis.url)
    celery_app.conf.task_always_eager = False
    try:
        yield redis
    finally:
        _publish_to(previous[0])
        celery_app.conf.task_always_eager = previous[1]
        if redis.is_up():
            redis.stop()


def _publish_to(url: str) -> None:
    celery_app.conf.broker_url = url
    # Forget pooled connections to the previous broker.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Worker:
    def __init__(self, process: subprocess.Popen, name: str):
        self.process, self.name = process, name

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, no rollback from the worker's side."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


class Workers:
    """Start ``celery worker`` processes on the private Redis against the test database."""

    def __init__(self, redis: PrivateRedis, directory: Path):
        self.redis = redis
        self.directory = directory
        self.mail_dir = directory / "mail"
        self.mail_dir.mkdir()
        self.started: list[Worker] = []

    def start(self, *, beat: bool = False, visibility_timeout: int = 3600) -> Worker:
        db = settings.DATABASES["default"]
        user, host = db["USER"] or "postgres", db["HOST"] or "127.0.0.1"
        name = f"outbox-{uuid.uuid4().hex[:8]}"
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{user}@{host}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": self.redis.url,
            "EMAIL_BACKEND": "tests.notifications.mail_backends.GatedBackend",
            "TEST_MAIL_DIR": str(self.mail_dir),
            "OUTBOX_GRACE_SECONDS": "1",
            "OUTBOX_SWEEP_SECONDS": "1",
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
        }
        command = [
            sys.executable, "-m", "celery", "-A", "staffing", "worker",
            "--pool=solo", "--concurrency=1", "--loglevel=WARNING",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
            "-n", f"{name}@%h",
        ]  # fmt: skip
        if beat:
            command += ["--beat", "--schedule", str(self.directory / f"{name}-beat")]
        log = open(self.directory / f"{name}.log", "wb")  # noqa: SIM115 — the process owns it
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        worker = Worker(process, name)
        self.started.append(worker)
        wait_for(
            lambda: (
                process.poll() is not None
                or celery_app.control.ping(destination=[f"{name}@{os.uname().nodename}"], timeout=1)
            ),
            timeout=60,
        )
        if process.poll() is not None:
            raise RuntimeError(f"the worker did not start: see {log.name}")
        return worker

    def open_gate(self) -> None:
        (self.mail_dir / "gate-open").touch()

    def deliveries_started(self) -> int:
        return len(list(self.mail_dir.glob("started-*")))

    def mails(self):
        return [
            message_from_bytes(path.read_bytes(), policy=default_policy)
            for path in sorted(self.mail_dir.glob("*.eml"))
        ]


@pytest.fixture
def workers(private_redis, transactional_db, tmp_path):
    handle = Workers(private_redis, tmp_path)
    try:
        yield handle
    finally:
        for worker in handle.started:
            worker.stop()
