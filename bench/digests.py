"""Benchmark: compose the daily job-alert digests of 100,000 registrants with two worker processes.

    .venv/bin/python bench/digests.py [--registrants 100000] [--jobs 2000] [--matches 12]
        [--processes 2] [--database-url postgres://postgres@127.0.0.1:5432/postgres]
        [--redis-url redis://127.0.0.1:6379/13] [--deliver] [--keep] [--reuse]

What it does:

1. Creates a throwaway PostgreSQL database of its own (``nakadachi_bench_digests``), migrates it
   and fills it: registrants who chose daily alerts (lowest score 60), open and filled cases, and
   about ``--matches`` stored matches per registrant — some below the threshold, some
   ineligible with a block, some on cases the registrant dismissed, applied to or was already
   alerted about, with a realistic mix of caveats.
2. Starts one real ``celery worker`` with ``--concurrency`` = ``--processes`` (prefork: that many
   worker processes) over Redis, on a queue of its own, with a mail backend that discards mail.
3. Times ``task_send_job_alerts(frequency="daily")`` — the beat task — from the fan-out until
   every expected digest is written (counted in the database): the composing figure. With
   ``--deliver`` it then waits until the same workers have delivered every e-mail those digests
   queued (to a discarding backend: the portal's own cost, not a mail server's); otherwise the
   queued deliveries are dropped with the bench's private queue.

``--keep`` leaves the database in place; ``--reuse`` runs again on a kept one (digests of the
earlier run are removed first), skipping the ten minutes of filling.

Prints one line per figure and, last, the figures as one JSON object. Never part of the test
run's pass/fail. The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "nakadachi_bench_digests"
CAVEATS = [
    {"code": "no_transport_allowance", "params": {}},
    {"code": "long_commute", "params": {"minutes": 75, "max": 60}},
    {"code": "long_commute", "params": {"minutes": 90, "max": 60}},
    {"code": "contract_shorter_than_desired", "params": {"months": 2, "min": 6}},
    {"code": "wage_below_desired", "params": {"wage": 1400, "desired": 1600}},
    {"code": "contract_shorter_than_desired", "params": {"months": 3, "min": 6}},
]
BLOCK = {
    "code": "individual_limit",
    "params": {"chain_start": "2024-04-01", "conflict_date": "2027-04-01"},
}
FACTORS = ("required_duties", "preferred_duties", "skills", "recency", "pay", "commute", "contract")


def _database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _psql(base_url: str, sql: str) -> None:
    subprocess.run(["psql", base_url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def _setup_django(database_url: str, redis_url: str, queue: str) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_QUEUE=queue,
        DJANGO_SETTINGS_MODULE="staffing.settings",
        OUTBOX_GRACE_SECONDS="3600",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _fill(*, registrants: int, jobs: int, matches: int, seed: int) -> dict:
    """The agency's data, written with bulk inserts; returns what was made."""
    from django.db import connection

    from jobs.models import Application, Client, Establishment, Job, Match, Unit
    from registrants.models import AlertedJob, Dismissal, Registrant
    from staffing.models import User

    rng = random.Random(seed)
    client = Client.objects.create(
        ref="BENCH", name="株式会社ベンチ", corporate_number="7700000000000"
    )
    establishment = Establishment.objects.create(
        ref="BENCH-E", client=client, name="本社", postal_code="100-0005"
    )
    units = Unit.objects.bulk_create(
        Unit(ref=f"BENCH-U{n}", establishment=establishment, name=f"第{n}課") for n in range(20)
    )
    open_jobs = Job.objects.bulk_create(
        Job(
            ref=f"BENCH-J{n:05d}",
            unit=units[n % len(units)],
            status=Job.Status.OPEN if n % 10 else Job.Status.FILLED,
            title=f"経理事務（月次決算補助）{n}",
            hourly_wage=rng.choice((1400, 1500, 1600, 1700, 1800, 2000)),
            start=date(2027, 1, 4) + timedelta(days=n % 60),
            end=date(2027, 6, 30),
            postal_code="100-0005",
            prefecture="東京都",
            city=rng.choice(("千代田区", "港区", "新宿区", "渋谷区", "品川区")),
        )
        for n in range(jobs)
    )
    job_ids = [job.pk for job in open_jobs]
    print(f"  {len(job_ids)} job cases", flush=True)

    for start in range(0, registrants, 5000):
        count = min(5000, registrants - start)
        users = User.objects.bulk_create(
            User(
                email=f"bench{start + n}@example.jp",
                password="!",
                display_name=f"登録者{start + n}",
                is_registrant=True,
                language="ja" if (start + n) % 20 else "en",
            )
            for n in range(count)
        )
        people = Registrant.objects.bulk_create(
            Registrant(
                ref=f"BENCH-R{start + n:06d}",
                user=user,
                family_name="山田",
                given_name=f"花子{start + n}",
                email=user.email,
                alert_frequency=Registrant.AlertFrequency.DAILY,
                alert_min_score=60,
            )
            for n, user in enumerate(users)
        )
        rows, dismissed, applied, alerted = [], [], [], []
        for person in people:
            for job_id in rng.sample(job_ids, matches):
                eligible = rng.random() > 0.1
                rows.append(
                    Match(
                        job_id=job_id,
                        registrant_id=person.pk,
                        score=round(rng.uniform(30, 98), 1),
                        eligible=eligible,
                        factors={name: round(rng.uniform(0, 20), 1) for name in FACTORS},
                        caveats=rng.sample(CAVEATS, rng.choice((0, 0, 1, 1, 2))),
                        blocks=[] if eligible else [BLOCK],
                    )
                )
            sample = [row.job_id for row in rows[-matches:]]
            if rng.random() < 0.1:
                dismissed.append(Dismissal(registrant=person, job_id=sample[0], reason="pay"))
            if rng.random() < 0.1:
                applied.append(
                    Application(
                        registrant=person, job_id=sample[1], status="applied", origin="applied"
                    )
                )
            alerted += [
                AlertedJob(registrant=person, job_id=job_id, digest="earlier")
                for job_id in sample[2:4]
            ]
        Match.objects.bulk_create(rows, batch_size=5000)
        Dismissal.objects.bulk_create(dismissed)
        Application.objects.bulk_create(applied)
        AlertedJob.objects.bulk_create(alerted, batch_size=5000)
        print(f"  {start + count} registrants", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"matches": Match.objects.count()}


def _reset() -> dict:
    from jobs.models import Match
    from registrants.models import AlertedJob
    from staffing.models import Notification

    Notification.objects.filter(kind="job_alert").delete()
    AlertedJob.objects.exclude(digest="earlier").delete()
    _psql_django("VACUUM ANALYZE")
    return {"matches": Match.objects.count()}


def _psql_django(sql: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)


def _drop_queue(redis_url: str, queue: str) -> None:
    """Remove what the bench left on Redis: its queue and kombu's bindings for it."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"*{queue}*"):
        client.delete(key)


def _expected_digests() -> int:
    from registrants import alerts
    from registrants.models import Registrant

    ids = Registrant.objects.values_list("pk", flat=True)
    qualifying = alerts.new_matches(ids).filter(blocks=[])
    return qualifying.values("registrant_id").distinct().count()


def _start_worker(*, database_url: str, redis_url: str, queue: str, processes: int, log: Path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "OUTBOX_GRACE_SECONDS": "3600",
    }
    name = f"{queue}@%h"
    command = [
        sys.executable, "-m", "celery", "-A", "staffing", "worker", "-Q", queue, "-n", name,
        "--pool=prefork", f"--concurrency={processes}", "--loglevel=WARNING",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


def _wait_ready(queue: str, process) -> None:
    from staffing.celery import app

    deadline = time.monotonic() + 120
    while not app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the Celery worker did not start")


def _cpu_seconds(pids) -> float:
    """User + system CPU time the processes ``pids`` have used so far (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return found


def _poll(count, target: int, timeout: float) -> float:
    started = time.monotonic()
    while count() < target:
        if time.monotonic() - started > timeout:
            raise SystemExit(f"gave up after {timeout:.0f}s at {count()} of {target}")
        time.sleep(0.5)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrants", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2_000)
    parser.add_argument("--matches", type=int, default=12, help="stored matches per registrant")
    parser.add_argument("--processes", type=int, default=2, help="worker processes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server to create the throwaway database on",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"
    )
    parser.add_argument("--deliver", action="store_true", help="time the deliveries too")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="run on the kept database")
    args = parser.parse_args()

    database_url = _database_url(args.database_url, DATABASE)
    queue = f"bench-digests-{uuid.uuid4().hex[:8]}"
    if not args.reuse:
        _psql(args.database_url, f"DROP DATABASE IF EXISTS {DATABASE}")
        _psql(args.database_url, f"CREATE DATABASE {DATABASE}")
    worker = None
    try:
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": ""}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        _setup_django(database_url, args.redis_url, queue)
        started = time.monotonic()
        if args.reuse:
            print(f"reusing {DATABASE}: removing the earlier run's digests …", flush=True)
            made = _reset()
        else:
            print(f"filling {DATABASE} …", flush=True)
            made = _fill(
                registrants=args.registrants, jobs=args.jobs, matches=args.matches, seed=args.seed
            )
        fill_seconds = time.monotonic() - started
        expected = _expected_digests()
        from registrants.models import Registrant

        registrants = Registrant.objects.count()

        from registrants.tasks import task_send_job_alerts
        from staffing.models import Notification

        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"{queue}.log"
        worker = _start_worker(
            database_url=database_url,
            redis_url=args.redis_url,
            queue=queue,
            processes=args.processes,
            log=log,
        )
        _wait_ready(queue, worker)
        from django.utils import timezone

        digests = Notification.objects.filter(
            created_at__gte=timezone.now(), kind="job_alert", channel="email"
        )
        load_before = os.getloadavg()[0]

        started = time.monotonic()
        task_send_job_alerts.delay(frequency="daily")
        compose_seconds = _poll(digests.count, expected, timeout=3600)
        # CPU the worker processes spent: on a shared machine the wall-clock figure depends on
        # everybody else's load, this does not. (PostgreSQL's share is not in it: Celery opens
        # a new database connection per task, so its server processes come and go.)
        worker_cpu = _cpu_seconds([worker.pid, *_children(worker.pid)])
        load_after = os.getloadavg()[0]
        deliver_seconds = None
        if args.deliver:
            deliver_seconds = compose_seconds + _poll(
                lambda: digests.filter(status=Notification.State.SENT).count(),
                expected,
                timeout=7200,
            )
        figures = {
            "benchmark": "daily job-alert digests",
            "registrants": registrants,
            "jobs": args.jobs,
            "stored_matches": made["matches"],
            "digests": expected,
            "in_app_rows": Notification.objects.filter(kind="job_alert", channel="in_app").count(),
            "worker_processes": args.processes,
            "executor": "celery worker --pool=prefork over Redis",
            "compose_seconds": round(compose_seconds, 1),
            "compose_and_deliver_seconds": deliver_seconds and round(deliver_seconds, 1),
            "digests_per_second": round(expected / compose_seconds, 1),
            "worker_cpu_seconds": round(worker_cpu, 1),
            "load_average_before_and_after": [round(load_before, 2), round(load_after, 2)],
            "setup_seconds": round(fill_seconds, 1),
            "target_seconds": 120,
        }
        print(f"registrants: {registrants}")
        print(f"digests composed: {expected} (one in the portal and one e-mail each)")
        print(f"compose: {compose_seconds:.1f} s with {args.processes} worker processes")
        print(
            f"CPU used by the worker processes: {worker_cpu:.1f} s "
            f"(load average {load_before:.1f} before, {load_after:.1f} after)"
        )
        if deliver_seconds is not None:
            print(f"compose and deliver (discarding backend): {deliver_seconds:.1f} s")
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=60)
        _drop_queue(args.redis_url, queue)
        if not args.keep:
            from django.db import connections

            connections.close_all()
            _psql(args.database_url, f"DROP DATABASE IF EXISTS {DATABASE}")


if __name__ == "__main__":
    main()
