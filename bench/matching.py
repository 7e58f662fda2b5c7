"""Benchmark of the matching engine on a synthetic agency.

    .venv/bin/python bench/matching.py --registrants 100000 --jobs 5000 [--seed 1]

The agency: 120 duty codes in 10 categories (skewed: office work is common, some categories
rare); registrants with ~15 duties mostly from one or two categories; jobs with 6 required and
2–3 preferred duties from their category; municipality points of the Tokyo area as locations;
assignment history at client units, direct employment at some client corporations, current
assignments, short contracts and other legal edge cases at realistic rates.

Prints one line per figure, then the figures as one JSON object on the last line. Never part of
the test run's pass/fail.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobs.matching.batch import explain_pairs  # noqa: E402
from jobs.matching.commute import _municipality_points  # noqa: E402
from jobs.matching.engine import (  # noqa: E402
    explain_rankings,
    rank_jobs_for_registrant,
    rank_registrants_for_jobs,
)
from jobs.matching.matrices import JobMatrix, RegistrantMatrix  # noqa: E402
from jobs.matching.types import (  # noqa: E402
    DirectEmployment,
    Experience,
    JobCase,
    PastAssignment,
    RegistrantProfile,
    Requirement,
)

TODAY = date(2026, 4, 1)
CATEGORIES = 10
DUTIES_PER_CATEGORY = 12
UNITS = 20_000
TOP_N = 50


def _zipf_cumulative(n: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1.0 / k**exponent for k in range(1, n + 1)))


class Agency:
    """Synthetic registrants and jobs from one seeded generator (``random.Random``: scalar
    draws from it are ~50× cheaper than from numpy's generator)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.categories = _zipf_cumulative(CATEGORIES, 0.7)
        self.duties = _zipf_cumulative(DUTIES_PER_CATEGORY, 0.9)
        self.points = self._tokyo_points()
        self.corporations = [f"{1_000_000_000_000 + k:013d}" for k in range(3_000)]
        # Units belong to establishments, establishments to client corporations.
        self.unit_establishment = [self.rng.randrange(8_000) for _ in range(UNITS)]
        self.establishment_corporation = [self.rng.randrange(3_000) for _ in range(8_000)]
        units = list(range(UNITS))
        self.rng.shuffle(units)
        self.unit_order, self.unit_weights = units, _zipf_cumulative(UNITS, 0.6)

    @staticmethod
    def _tokyo_points() -> list[tuple[float, float]]:
        towns = _municipality_points()
        return [
            p for pref in ("東京都", "神奈川県", "千葉県", "埼玉県") for p in towns[pref].values()
        ]

    def _weighted(self, cumulative: list[float]) -> int:
        return bisect.bisect_left(cumulative, self.rng.random() * cumulative[-1])

    def _duty(self, category: int) -> str:
        return f"c{category:02d}d{self._weighted(self.duties):02d}"

    def _unit(self) -> int:
        return self.unit_order[self._weighted(self.unit_weights)]

    def _day(self, lo: int, hi: int) -> date:
        return TODAY + timedelta(days=self.rng.randrange(lo, hi))

    def _client(self, unit: int) -> tuple[int, str]:
        establishment = self.unit_establishment[unit]
        return establishment, self.corporations[self.establishment_corporation[establishment]]

    def _codes(self, prefix: str, pool: int, most: int) -> frozenset[str]:
        return frozenset(
            f"{prefix}{k}" for k in self.rng.sample(range(pool), self.rng.randint(0, most))
        )

    def _experience(self) -> tuple[Experience, ...]:
        rng = self.rng
        primary, secondary = self._weighted(self.categories), self._weighted(self.categories)
        experience: dict[str, tuple[int, int | None]] = {}
        for _ in range(min(max(int(rng.gauss(15, 4)), 3), 30)):
            roll = rng.random()
            category = primary if roll < 0.65 else secondary if roll < 0.9 else rng.randrange(10)
            last_year = 2026 - int(rng.expovariate(1 / 3)) if rng.random() < 0.9 else None
            experience[self._duty(category)] = (max(1, int(rng.gammavariate(1.5, 14))), last_year)
        return tuple(Experience(code, *value) for code, value in experience.items())

    def _assignments(self) -> tuple[PastAssignment, ...]:
        rng = self.rng
        assignments = []
        end = self._day(-30, 240) if rng.random() < 0.3 else self._day(-900, -30)
        for _ in range(rng.randrange(5)):
            start = end - timedelta(days=rng.randrange(60, 500))
            unit = self._unit()
            assignments.append(PastAssignment(unit, *self._client(unit), start, end))
            end = start - timedelta(days=rng.randrange(1, 400))
        return tuple(assignments)

    def _employer(self) -> str:
        # One in ten direct employers is also a client of the agency.
        if self.rng.random() < 0.1:
            return self.rng.choice(self.corporations)
        return f"9{self.rng.randrange(10**12):012d}"

    def _employment(self) -> tuple[DirectEmployment, ...]:
        rng = self.rng
        return tuple(
            DirectEmployment(
                self._employer(),
                self._day(-6000, -1500), self._day(-1400, 0) if rng.random() < 0.9 else None,
                rng.random() < 0.05,
            )
            for _ in range(rng.randrange(3))
        )  # fmt: skip

    def registrant(self, index: int) -> RegistrantProfile:
        rng = self.rng
        low = rng.choice([1, 2, 3, 6])
        return RegistrantProfile(
            id=index + 1,
            ref=f"R{index + 1:06d}",
            birth_date=self._day(-365 * 68, -365 * 19),
            indefinite_employment=rng.random() < 0.05,
            experience=self._experience(),
            skills=self._codes("skill", 40, 5),
            qualifications=self._codes("qual", 20, 2),
            min_hourly_wage=rng.choice([0, 1100, 1200, 1300, 1400, 1500, 1600, 1800, 2000]) or None,
            max_commute_minutes=rng.choice([0, 30, 45, 60, 75, 90]) or None,
            contract_months_min=low,
            contract_months_max=low + rng.choice([2, 6, 12, 36]) if rng.random() < 0.6 else None,
            available_from=self._day(-60, 90) if rng.random() < 0.8 else None,
            accepts_concurrent=rng.random() < 0.2,
            transport_allowance_required=rng.random() < 0.4,
            location=rng.choice(self.points) if rng.random() < 0.95 else None,
            assignments=self._assignments(),
            employment_history=self._employment(),
            day_dispatch_exemption="student" if rng.random() < 0.03 else None,
        )  # fmt: skip

    def _requirement(self, category: int) -> Requirement:
        minimum = self.rng.choices([0, 3, 6, 12, 24, 36], [10, 20, 25, 25, 15, 5])[0]
        return Requirement(self._duty(category), minimum)

    def job(self, index: int) -> JobCase:
        rng = self.rng
        category = self._weighted(self.categories)
        unit = self._unit()
        establishment, corporation = self._client(unit)
        start = self._day(0, 90)
        return JobCase(
            id=index + 1,
            ref=f"J{index + 1:05d}",
            unit_id=unit,
            establishment_id=establishment,
            corporate_number=corporation,
            establishment_conflict_date=self._day(60, 1200) if rng.random() < 0.5 else None,
            required=tuple(self._requirement(category) for _ in range(6)),
            preferred=tuple(
                self._requirement(category if rng.random() < 0.7 else rng.randrange(10))
                for _ in range(rng.randint(2, 3))
            ),
            skills=self._codes("skill", 40, 3),
            qualifications=self._codes("qual", 20, 1),
            hourly_wage=rng.choice([1100, 1250, 1400, 1500, 1650, 1800, 2100]),
            transport_allowance=rng.choices(["full", "capped", "none"], [60, 25, 15])[0],
            start=start,
            end=None if rng.random() < 0.1 else start + timedelta(days=rng.randrange(28, 400)),
            employment_contract_days=rng.choice([7, 30, 90, 180]) if rng.random() < 0.3 else None,
            location=rng.choice(self.points),
            duty_category=f"c{category:02d}",
            day_dispatch_exempt_work=rng.random() < 0.2,
            prohibited_work=rng.random() < 0.005,
            individual_limit_exempt_reason="leave_cover" if rng.random() < 0.03 else None,
        )  # fmt: skip


def timed(
    label: str, figures: dict[str, Any], key: str, action: Callable[[], Any], cpu: bool = False
) -> Any:
    """Run ``action``, record its wall time as ``key`` (and its CPU time as ``key_cpu``: on a
    shared machine the wall time also counts other people's work)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    result = action()
    figures[key] = round(time.perf_counter() - started, 3)
    line = f"{label:<58} {figures[key]:>9.3f} s"
    if cpu:
        figures[f"{key[:-2]}_cpu_s"] = round(time.process_time() - started_cpu, 3)
        line += f"   (CPU {figures[f'{key[:-2]}_cpu_s']:.1f} s)"
    print(line)
    return result


def raw_kernel(R: RegistrantMatrix, J: JobMatrix, chunk: int) -> None:
    """The plain kernel: months (duty × registrant) times requirements (job × duty), dense
    chunk, top 50 by argpartition. Single-threaded, same data."""
    duty_map = np.array([R.duty_index.get(code, -1) for code in J.duty_codes])
    req = J.required
    keep = duty_map[req.duty] >= 0
    weights = sp.csr_array(
        (1.0 / req.count[req.job[keep]], (req.job[keep], duty_map[req.duty[keep]])),
        shape=(len(J), len(R.duty_codes)),
    )
    for lo in range(0, len(J), chunk):
        scores = (weights[lo : lo + chunk] @ R.months_by_duty).toarray()
        np.argpartition(-scores, TOP_N, axis=1)[:, :TOP_N]


BENCH_DATABASE = "postgres://postgres@127.0.0.1:5432/nakadachi_bench"
ROOT = Path(__file__).resolve().parent.parent


def _postgres(url: str, dbname: str | None = None):
    import psycopg

    conninfo = url.replace("postgres://", "postgresql://", 1)
    if dbname is not None:
        conninfo = conninfo.rsplit("/", 1)[0] + f"/{dbname}"
    return psycopg.connect(conninfo, autocommit=True, connect_timeout=3)


def _agency_in(url: str) -> tuple[int, int] | None:
    """(registrants, cases) in the database, None when it has no agency tables."""
    try:
        with _postgres(url) as conn:
            registrants = conn.execute("SELECT count(*) FROM registrants_registrant").fetchone()
            jobs = conn.execute("SELECT count(*) FROM jobs_job").fetchone()
            return registrants[0], jobs[0]
    except Exception:
        return None


def _open_every_case(url: str) -> None:
    # The import's file has drafts among its cases; the matching bench ranks all of them.
    with _postgres(url) as conn:
        conn.execute("UPDATE jobs_job SET status = 'open' WHERE status <> 'open'")


def ensure_agency(url: str, registrants: int, jobs: int) -> None:
    """Fill the database with an agency of this size through bench/import_data.py, unless it
    holds one already (the first run takes minutes, later runs reuse it); every case is open."""
    if _agency_in(url) == (registrants, jobs):
        _open_every_case(url)
        return
    name = url.rsplit("/", 1)[-1]
    if "bench" not in name:
        sys.exit(f"{url} holds no agency of {registrants} × {jobs}; the bench fills only a "
                 "database whose name contains 'bench'")  # fmt: skip
    try:
        _postgres(url).close()
    except Exception:
        with _postgres(url, "postgres") as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url}
    python = sys.executable
    print(f"filling {url} with {registrants} registrants and {jobs} cases …", file=sys.stderr)
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "bench/import_data.py", "--registrants", str(registrants), "--jobs", str(jobs)],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    _open_every_case(url)


def stored_figures() -> dict:
    """The adapter end to end in this process (a worker): load from the database, rank,
    explain and store. Needs DATABASE_URL."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffing.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import F
    from django.utils import timezone

    from jobs import matching_adapter
    from jobs.models import Job, Match
    from registrants.models import DutyExperience, Registrant

    figures: dict[str, Any] = {}

    def timed_stored(label: str, key: str, action: Callable[[], Any]) -> None:
        started = time.perf_counter()
        action()
        figures[key] = round(time.perf_counter() - started, 3)
        print(f"{label:<58} {figures[key]:>9.3f} s", file=sys.stderr)

    Match.objects.all().delete()
    matching_adapter.forget_cache()
    timed_stored("first full recompute into an empty table (a fresh worker)",
                 "full_recompute_first_s", matching_adapter.recompute_all)  # fmt: skip
    matching_adapter.forget_cache()
    timed_stored("full recompute, stored (the nightly run, a fresh worker)", "full_recompute_s",
                 matching_adapter.recompute_all)  # fmt: skip
    figures["stored_matches"] = Match.objects.count()
    job_id = Job.objects.open().order_by("-pk").values_list("pk", flat=True).first()
    Match.objects.filter(job_id=job_id).delete()
    timed_stored("one new case ranked and stored (warm worker)", "new_job_s",
                 lambda: matching_adapter.rank_job(job_id=job_id))  # fmt: skip
    first, second, third = Registrant.objects.order_by("pk").values_list("pk", flat=True)[:3]
    timed_stored("one registrant ranked and stored (first in the worker)",
                 "changed_registrant_cold_s",
                 lambda: matching_adapter.rank_registrant(registrant_id=first))  # fmt: skip

    def change(registrant_id: int) -> None:
        DutyExperience.objects.filter(
            pk=DutyExperience.objects.filter(registrant_id=registrant_id).values("pk")[:1]
        ).update(months=F("months") + 12)
        Registrant.objects.filter(pk=registrant_id).update(updated_at=timezone.now())

    change(second)
    timed_stored("one changed registrant ranked and stored (warm worker)", "changed_registrant_s",
                 lambda: matching_adapter.rank_registrant(registrant_id=second))  # fmt: skip
    change(third)
    timed_stored("one new case after a profile changed (warm worker)",
                 "new_job_after_profile_change_s",
                 lambda: matching_adapter.rank_job(job_id=job_id))  # fmt: skip
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"{'peak RSS of the worker':<58} {figures['peak_rss_mb']:>9} MB", file=sys.stderr)
    return figures


def _stored_in_worker(url: str) -> dict:
    """``stored_figures`` in a child process, so that its peak memory is a worker's."""
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, __file__, "--stored-only"], cwd=ROOT, env=env, check=True,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrants", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", BENCH_DATABASE),
        help="PostgreSQL database for the stored figures (full_recompute_s, new_job_s, "
        "changed_registrant_s, peak_rss_mb); filled with an agency of this size by "
        "bench/import_data.py unless it holds one. Default: $DATABASE_URL or " + BENCH_DATABASE,
    )
    parser.add_argument("--engine-only", action="store_true", help="no database figures")
    parser.add_argument("--stored-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=None, help="threads (default: all cores)")
    return parser.parse_args()


def engine_figures(args: argparse.Namespace) -> dict[str, Any]:
    """The engine alone on the synthetic agency, in memory."""
    figures: dict[str, Any] = {
        "registrants": args.registrants,
        "jobs": args.jobs,
        "seed": args.seed,
    }

    agency = Agency(args.seed)
    profiles = timed("generate registrants", figures, "generate_registrants_s",
                     lambda: [agency.registrant(i) for i in range(args.registrants)])  # fmt: skip
    jobs = timed("generate jobs", figures, "generate_jobs_s",
                 lambda: [agency.job(i) for i in range(args.jobs + 1)])  # fmt: skip
    new_job, jobs = jobs[-1], jobs[:-1]
    R = timed("RegistrantMatrix.from_profiles", figures, "build_registrants_s",
              lambda: RegistrantMatrix.from_profiles(profiles))  # fmt: skip
    J = timed("JobMatrix.from_jobs", figures, "build_jobs_s", lambda: JobMatrix.from_jobs(jobs))
    figures["months_nnz"] = int(R.months_by_duty.nnz)

    rankings = timed(
        f"engine: top {TOP_N} registrants for every job",
        figures,
        "engine_full_s",
        lambda: rank_registrants_for_jobs(R, J, top_n=TOP_N, today=TODAY, workers=args.workers),
        cpu=True,
    )
    timed(
        "engine, one thread",
        figures,
        "engine_full_one_thread_s",
        lambda: rank_registrants_for_jobs(R, J, top_n=TOP_N, today=TODAY, workers=1),
        cpu=True,
    )
    timed("raw kernel: sparse product + argpartition", figures, "kernel_s",
          lambda: raw_kernel(R, J, chunk=128), cpu=True)  # fmt: skip
    figures["kernel_ratio"] = round(figures["engine_full_s"] / figures["kernel_s"], 2)
    figures["kernel_ratio_one_thread"] = round(
        figures["engine_full_one_thread_s"] / figures["kernel_s"], 2
    )
    print(f"{'kernel_ratio (engine / raw kernel)':<58} {figures['kernel_ratio']:>9.2f}")

    pairs = sum(r.registrant_ids.size for r in rankings)
    timed(f"explain every ranked pair ({pairs} pairs)", figures, "explain_all_s",
          lambda: explain_rankings(R, J, rankings, today=TODAY), cpu=True)  # fmt: skip

    def one_new_job() -> None:
        single = JobMatrix.from_jobs([new_job])
        ranking = rank_registrants_for_jobs(R, single, top_n=TOP_N, today=TODAY)
        explain_rankings(R, single, ranking, today=TODAY)

    def one_changed_registrant() -> None:
        changed = profiles[len(profiles) // 2]
        alone = RegistrantMatrix.from_profiles([changed])
        ranking = rank_jobs_for_registrant(alone, J, 0, top_n=TOP_N, today=TODAY)
        explain_pairs(alone, J, ranking.job_indices, np.zeros(ranking.job_indices.size, int),
                      today=TODAY)  # fmt: skip

    timed("engine: one new job vs all registrants (+ explain its top 50)", figures,
          "engine_new_job_s", one_new_job)  # fmt: skip
    timed("engine: one changed registrant vs all jobs (+ explain top 50)", figures,
          "engine_changed_registrant_s", one_changed_registrant)  # fmt: skip
    figures["engine_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"{'engine peak RSS':<58} {figures['engine_peak_rss_mb']:>9} MB")
    return figures


def main() -> None:
    args = _arguments()
    if args.stored_only:
        print(json.dumps(stored_figures()))
        return
    figures = engine_figures(args)  # its arrays are freed when it returns
    if not args.engine_only:
        print(f"stored figures: a worker process against {args.database_url}", flush=True)
        ensure_agency(args.database_url, args.registrants, args.jobs)
        figures.update(_stored_in_worker(args.database_url))
    # Wall-clock figures on a shared machine: the load says how much the run had to share.
    figures["load_avg_1m"] = round(os.getloadavg()[0], 2)
    print(f"{'load average (1 min) at the end':<58} {figures['load_avg_1m']:>9.2f}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
