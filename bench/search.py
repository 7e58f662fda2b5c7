"""Benchmark of the public job search page with 5,000 open cases in PostgreSQL.

    .venv/bin/python bench/search.py [--jobs 5000] [--runs 40] [--keep]
        [--database-url postgres://postgres@127.0.0.1:5432/nakadachi_bench_search]

Creates (and afterwards drops, unless --keep) a throwaway PostgreSQL database, migrates it, fills
it with an agency's worth of cases — 5,000 open ones across 30 municipalities in 7 prefectures,
every duty category, 2–7 duties each, pay, allowances, lengths and starts spread as in real
postings — plus closed, filled and draft ones the search must skip. Then it renders the search
view with Django's test client (the whole stack: middleware, form, queries, template) for
realistic filter combinations, as a visitor, as htmx fragments and as a logged-in registrant.

Prints median and p95 per combination and overall, then the figures as one JSON object on the
last line. Never part of the test run's pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/nakadachi_bench_search"

# Real postal codes and the municipalities they belong to (prefecture, city from Japan Post).
POSTAL_CODES = [
    "100-0005", "160-0023", "150-0002", "105-0011", "108-0075", "170-0013", "103-0027",
    "135-0061", "190-0012", "220-0011", "212-0013", "252-0231", "330-0854", "350-1123",
    "260-0028", "263-0031", "530-0001", "541-0041", "550-0002", "650-0021", "600-8216",
    "460-0008", "450-0002", "812-0011", "810-0001", "980-0021", "060-0005", "231-0023",
    "221-0835", "273-0005",
]  # fmt: skip
WORDS = [
    "月次決算",
    "売掛金",
    "英文メール",
    "レセプト",
    "受発注",
    "データ入力",
    "電話応対",
    "Excel",
]

COMBINATIONS = {
    "first page, no filter": {},
    "keyword": {"q": "経理"},
    "two keywords": {"q": "英文 貿易"},
    "prefecture": {"pref": "東京都"},
    "prefecture + category + pay": {"pref": "東京都", "category": "accounting", "min_wage": 1500},
    "near postal code, nearest first": {"near": "150-0002", "within": 60, "sort": "near"},
    "allowance + length, highest pay": {"allowance": "full", "length": "long", "sort": "wage"},
    "start month": {"start": "2027-04"},
    "keyword + prefecture, page 3": {"q": "事務", "pref": "大阪府", "page": 3},
    "city": {"pref": "神奈川県", "city": "横浜"},
    "everything at once": {
        "q": "経理",
        "near": "160-0023",
        "within": 45,
        "category": "accounting",
        "min_wage": 1400,
        "allowance": "paid",
        "length": "long",
        "sort": "near",
    },
}


def create_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def fill(n_open: int, seed: int) -> dict:
    """The agency's cases; returns the registrant who logs in for the registrant runs."""
    from jobs.models import (
        Client,
        Duty,
        DutyCategory,
        Establishment,
        Job,
        JobDuty,
        Match,
        Skill,
        Unit,
    )
    from jobs.models.clients import corporate_number_check_digit
    from registrants.models import DutyExperience, Registrant
    from staffing import postal
    from staffing.models import User

    rng = random.Random(seed)
    places = [(code, postal.lookup(code)) for code in POSTAL_CODES]
    categories = list(DutyCategory.objects.exclude(code="restricted"))
    duties_of = {
        category.pk: list(Duty.objects.filter(category=category, prohibited=False))
        for category in categories
    }
    skills = list(Skill.objects.all())

    clients = []
    for c in range(300):
        base = f"{500_000_000_000 + c:012d}"
        clients.append(
            Client(
                ref=f"BC{c:04d}",
                name=f"株式会社ベンチ{c}",
                corporate_number=f"{corporate_number_check_digit(base)}{base}",
            )
        )
    Client.objects.bulk_create(clients)
    establishments = [
        Establishment(
            ref=f"BE{c.pk}-{e}",
            client=c,
            name=f"事業所{e + 1}",
            postal_code=rng.choice(POSTAL_CODES),
            conflict_date=date(2029, 4, 1),
        )
        for c in Client.objects.all()
        for e in range(2)
    ]
    Establishment.objects.bulk_create(establishments)
    Unit.objects.bulk_create(
        Unit(ref=f"BU{e.pk}-{u}", establishment=e, name=f"第{u + 1}課")
        for e in Establishment.objects.all()
        for u in range(2)
    )
    units = list(Unit.objects.all())

    statuses = [Job.Status.OPEN] * n_open + [Job.Status.CLOSED] * (n_open // 5)
    statuses += [Job.Status.FILLED] * (n_open // 10) + [Job.Status.DRAFT] * (n_open // 20)
    jobs, duty_rows = [], []
    for i, status in enumerate(statuses):
        category = rng.choice(categories)
        code, place = rng.choice(places)
        start = date(2027, 1, 1) + timedelta(days=rng.randrange(0, 240))
        length = rng.choice([None, 31, 61, 92, 183, 183, 274, 365, 365])
        title = f"{category.name_ja}（{rng.choice(WORDS)}）"
        jobs.append(
            Job(
                ref=f"BJ{i:06d}",
                unit=rng.choice(units),
                status=status,
                title=title,
                description=f"{title}を担当していただきます。{rng.choice(WORDS)}の経験が活かせます。",
                duty_category=category,
                hourly_wage=rng.randrange(1150, 2600, 10),
                transport_allowance=rng.choice(["full", "full", "capped", "none"]),
                start=start,
                end=start + timedelta(days=length - 1) if length else None,
                postal_code=code,
                prefecture=place.prefecture,
                city=place.city,
                place=f"{place.city}{place.town}",
                published_at=None if status == Job.Status.DRAFT else _published(rng, i),
            )
        )
    Job.objects.bulk_create(jobs, batch_size=1000)
    for job in Job.objects.only("pk", "duty_category_id"):
        pool = duties_of[job.duty_category_id]
        for kind, count in (("required", rng.randint(1, 4)), ("preferred", rng.randint(1, 3))):
            for duty in rng.sample(pool, min(count, len(pool))):
                duty_rows.append(
                    JobDuty(job=job, duty=duty, kind=kind, min_months=rng.choice([0, 6, 12, 24]))
                )
    JobDuty.objects.bulk_create(duty_rows, batch_size=5000, ignore_conflicts=True)
    Job.skills.through.objects.bulk_create(
        (
            Job.skills.through(job_id=pk, skill=skill)
            for pk in Job.objects.values_list("pk", flat=True)
            for skill in rng.sample(skills, 2)
        ),
        batch_size=5000,
    )

    user = User.objects.create_user("bench@example.jp", "bench-pass", is_registrant=True)
    registrant = Registrant.objects.create(
        ref="BENCH", user=user, family_name="試験", given_name="花子", postal_code="150-0002"
    )
    accounting = Duty.objects.filter(category__code="accounting")
    DutyExperience.objects.bulk_create(
        DutyExperience(registrant=registrant, duty=duty, months=24) for duty in accounting
    )
    # A registrant's stored matches, as the workers leave them: the top 50 cases.
    Match.objects.bulk_create(
        Match(job_id=pk, registrant=registrant, score=rng.uniform(40, 99), eligible=True)
        for pk in Job.objects.open().values_list("pk", flat=True)[:50]
    )
    return {"user": user}


def _published(rng: random.Random, i: int):
    from django.utils import timezone

    return timezone.now() - timedelta(minutes=i + rng.randrange(0, 60))


def time_requests(client, params: dict, *, runs: int, headers: dict) -> list[float]:
    from django.urls import reverse

    url = reverse("jobs:search")
    for _ in range(3):  # warm-up: connection, template and postal caches
        client.get(url, params, headers=headers)
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url, params, headers=headers)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    return timings


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffing.settings")
    create_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from jobs.models import Job

    # No setup_test_environment(): its template instrumentation copies every context and
    # would time the test harness instead of the page.
    try:
        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        cast = fill(args.jobs, args.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"database ready in {time.perf_counter() - began:.1f}s: "
            f"{Job.objects.open().count()} open cases of {Job.objects.count()}"
        )

        results: dict[str, dict] = {}
        everything: list[float] = []
        visitor, registrant = Client(), Client()
        registrant.force_login(cast["user"])
        runs = [
            *((name, params, visitor, {}) for name, params in COMBINATIONS.items()),
            (
                "htmx fragment: prefecture + category + pay",
                COMBINATIONS["prefecture + category + pay"],
                visitor,
                {"HX-Request": "true"},
            ),
            ("registrant, best fit first", {"sort": "fit"}, registrant, {}),
            (
                "registrant, near + keyword",
                {"q": "経理", "near": "150-0002", "within": 60},
                registrant,
                {},
            ),
        ]
        for name, params, client, headers in runs:
            timings = time_requests(client, params, runs=args.runs, headers=headers)
            everything.extend(timings)
            results[name] = {
                "median_ms": round(statistics.median(timings), 1),
                "p95_ms": round(p95(timings), 1),
            }
            print(
                f"{name:48} median {results[name]['median_ms']:6.1f} ms"
                f"   p95 {results[name]['p95_ms']:6.1f} ms"
            )
        overall = {
            "median_ms": round(statistics.median(everything), 1),
            "p95_ms": round(p95(everything), 1),
        }
        median, worst = overall["median_ms"], overall["p95_ms"]
        print(f"{'overall':48} median {median:6.1f} ms   p95 {worst:6.1f} ms")
        print(
            json.dumps(
                {
                    "open_cases": Job.objects.open().count(),
                    "runs_per_combination": args.runs,
                    "overall": overall,
                    "combinations": results,
                },
                ensure_ascii=False,
            )
        )
    finally:
        if not args.keep:
            drop_database(args.database_url)


if __name__ == "__main__":
    main()
