"""Shared fixtures: the cast of users, the real Celery worker, and the CI no-skip rule."""

import json
import os
import subprocess
import sys
import time
import uuid
from email import message_from_string
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from staffing.celery import app as celery_app

from .factories import RegistrantFactory, StaffFactory

ROOT = Path(__file__).resolve().parent.parent

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test
# itself are still synchronous, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """Without PostgreSQL, Redis or Chromium, leave out what needs them — and say so plainly."""
    uses_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    missing = {
        "postgres": not uses_postgres,
        "redis": not (settings.REDIS_URL and uses_postgres),
        "browser": not Path(os.environ.get("CHROMIUM", "/usr/bin/chromium")).exists(),
    }
    if os.environ.get("NAKADACHI_REQUIRE_ALL") == "1":
        absent = [name for name, is_missing in missing.items() if is_missing]
        if absent:
            raise pytest.UsageError(
                f"NAKADACHI_REQUIRE_ALL=1 but these are not available: {', '.join(absent)}"
            )
        return
    kept, left_out = [], []
    for item in items:
        needs = [
            name for name, is_missing in missing.items() if is_missing and name in item.keywords
        ]
        (left_out if needs else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
        reasons = ", ".join(name for name, is_missing in missing.items() if is_missing)
        config._nakadachi_left_out = (len(left_out), reasons)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    left_out = getattr(config, "_nakadachi_left_out", None)
    if left_out:
        count, reasons = left_out
        terminalreporter.write_line(
            f"LEFT OUT: {count} tests need services this machine lacks ({reasons}). "
            "Set DATABASE_URL (PostgreSQL), REDIS_URL and install chromium to run them.",
            yellow=True,
        )


def pytest_sessionfinish(session, exitstatus):
    """CI runs everything: a skipped test there is a failure, not a footnote."""
    if os.environ.get("NAKADACHI_REQUIRE_ALL") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"FAILED: {len(skipped)} skipped tests in a NAKADACHI_REQUIRE_ALL run", red=True
        )
        session.exitstatus = 1


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # Hashing strength is Django's business; the suite only needs passwords to check out.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _shipped_taxonomy(request):
    """Transactional tests flush every table afterwards — the taxonomy that a migration loads
    included — so put it back for the next one."""
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from jobs.models import Duty
    from staffing.interchange import import_document

    if not Duty.objects.exists():
        import_document(json.loads((ROOT / "jobs" / "data" / "taxonomy.json").read_text()))


@pytest.fixture(autouse=True)
def _japanese_by_default():
    """Each test starts in the portal's default language, whatever the previous one switched to."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _eager_celery_unless_worker(request):
    """Tasks run in process, except in tests that use the real worker."""
    eager = "celery_worker" not in request.fixturenames
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def registrant_user(db):
    return RegistrantFactory().user


@pytest.fixture
def coordinator(db):
    return StaffFactory(is_coordinator=True, display_name="調整 花子")


@pytest.fixture
def case_sales(db):
    return StaffFactory(is_case_sales=True, display_name="営業 太郎")


@pytest.fixture
def service_sales(db):
    return StaffFactory(is_service_sales=True, display_name="開拓 次郎")


@pytest.fixture
def agency_admin(db):
    return StaffFactory(
        is_agency_admin=True, is_staff=True, is_superuser=True, display_name="管理 三郎"
    )


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real ``celery worker`` process over Redis, on a queue of this test alone.

    It uses the test database (PostgreSQL), so tests using it see each other's commits; mail it
    sends lands as files in ``tmp_path / "mail"``.
    """
    queue = f"test-{uuid.uuid4().hex[:10]}"
    db = settings.DATABASES["default"]
    user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    database_url = f"postgres://{user}@{host}:{port}/{db['NAME']}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "staffing",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
    )
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(
            destination=[f"{queue}@{os.uname().nodename}"], timeout=1
        ):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start")
        yield WorkerHandle(process=process, queue=queue, mail_dir=mail_dir)
    finally:
        celery_app.conf.task_default_queue = previous_queue
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


class WorkerHandle:
    def __init__(self, *, process, queue, mail_dir):
        self.process, self.queue, self.mail_dir = process, queue, mail_dir

    def wait_for(self, condition, timeout: float = 90.0, interval: float = 0.2):
        """Poll ``condition`` until it returns something truthy; fail after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            time.sleep(interval)
        raise AssertionError(f"condition not met within {timeout}s")

    def mails(self) -> list[EmailMessage]:
        """Every message the worker's file backend wrote, parsed."""
        separator = "\n" + "-" * 79 + "\n"
        found = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_text().split(separator):
                if chunk.strip():
                    found.append(message_from_string(chunk, policy=default_policy))
        return found
