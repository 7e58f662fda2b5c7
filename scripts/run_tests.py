"""Run the whole suite against PostgreSQL, Redis and Chromium when this machine has them.

Without them it runs what it can (SQLite, tasks in process) and says plainly what it left out.
Set NAKADACHI_REQUIRE_ALL=1 (CI does) to fail instead of leaving anything out.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


def _postgres_answers(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3):
            return True
    except Exception:
        return False


def _redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=3).ping())
    except Exception:
        return False


def main() -> int:
    env = dict(os.environ)
    notes = []
    database = env.get("DATABASE_URL") or env.get("TEST_DATABASE_URL", DEFAULT_DATABASE)
    if _postgres_answers(database):
        env["DATABASE_URL"] = database
    else:
        env.pop("DATABASE_URL", None)
        notes.append(f"PostgreSQL does not answer at {database}: running on SQLite")
    broker = env.get("REDIS_URL") or env.get("TEST_REDIS_URL", DEFAULT_REDIS)
    if _redis_answers(broker):
        env["REDIS_URL"] = broker
    else:
        env.pop("REDIS_URL", None)
        notes.append(f"Redis does not answer at {broker}: tasks run in process")
    chromium = env.get("CHROMIUM", "/usr/bin/chromium")
    if not shutil.which(chromium):
        notes.append(f"no Chromium at {chromium}: browser tests left out")
    for note in notes:
        print(f"make test: {note}", flush=True)
    command = [sys.executable, "-m", "pytest", *sys.argv[1:]]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
