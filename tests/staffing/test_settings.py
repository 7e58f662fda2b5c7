"""Settings fail fast on bad configuration, and production settings pass Django's deploy check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


SETUP = "import django; django.setup()"


def test_malformed_database_url_stops_startup_naming_the_variable():
    result = _run(SETUP, DATABASE_URL="postgres//nohost")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is not a valid database URL" in result.stderr


def test_non_integer_number_setting_stops_startup_naming_the_variable():
    result = _run(SETUP, LOGIN_FAILURE_LIMIT="five")
    assert result.returncode != 0
    assert (
        "ImproperlyConfigured: LOGIN_FAILURE_LIMIT must be an integer, got 'five'" in result.stderr
    )


def test_bad_boolean_stops_startup_naming_the_variable():
    result = _run(SETUP, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_redis_url_must_be_a_redis_url():
    result = _run(SETUP, REDIS_URL="http://127.0.0.1:6379")
    assert result.returncode != 0
    assert "REDIS_URL must start with redis://" in result.stderr


def test_no_environment_means_embedded_sqlite_and_eager_tasks():
    result = _run(
        SETUP + "; from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    engine, name, eager, debug = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(ROOT / "var" / "nakadachi.sqlite3")
    assert (eager, debug) == ("True", "False")


def test_database_and_redis_urls_switch_to_postgresql_and_a_real_broker():
    result = _run(
        SETUP + "; from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)",
        DATABASE_URL="postgres://app@db.internal:5432/nakadachi",
        REDIS_URL="redis://cache:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://cache:6379/0",
        "False",
    ]


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
            },
            "SECRET_KEY": "x7#p2!" + "k" * 20 + "Qz9$w" + "m" * 30,
            "ALLOWED_HOSTS": "portal.example.jp",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
