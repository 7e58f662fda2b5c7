"""A small random agency dense in legal edge cases, for checking the vectorized ranking
against ``explain`` pair by pair."""

from __future__ import annotations

import random
from datetime import date, timedelta

from jobs.matching.types import (
    DirectEmployment,
    Experience,
    JobCase,
    PastAssignment,
    RegistrantProfile,
    Requirement,
)

DUTIES = [f"d{i:02d}" for i in range(14)]
SKILLS = [f"s{i}" for i in range(6)]
QUALIFICATIONS = [f"q{i}" for i in range(4)]
UNITS = list(range(1, 9))
CORPORATIONS = [f"{n:013d}" for n in range(1, 6)]
BASE = date(2026, 4, 1)


def _day(rng: random.Random, lo: int, hi: int) -> date:
    return BASE + timedelta(days=rng.randint(lo, hi))


def _maybe(rng: random.Random, value, p: float = 0.7):
    return value if rng.random() < p else None


def _location(rng: random.Random):
    # A handful of shared points (as postal-code lookups give) plus some unique ones.
    if rng.random() < 0.15:
        return None
    if rng.random() < 0.6:
        return rng.choice([(35.69, 139.70), (35.66, 139.70), (35.61, 140.11), (35.26, 139.15)])
    return (35.3 + rng.random() * 0.6, 139.2 + rng.random() * 0.9)


def random_profile(rng: random.Random, registrant_id: int) -> RegistrantProfile:
    experience = tuple(
        Experience(
            rng.choice(DUTIES), rng.choice([0, 1, 3, 5, 6, 12, 18, 24, 40]),
            rng.choice([None, 2012, 2016, 2019, 2023, 2024, 2025, 2026]),
        )
        for _ in range(rng.randint(0, 7))
    )  # fmt: skip
    assignments = []
    for _ in range(rng.randint(0, 4)):
        start = _day(rng, -1500, 200)
        assignments.append(
            PastAssignment(rng.choice(UNITS), 1, rng.choice(CORPORATIONS), start,
                           start + timedelta(days=rng.randint(20, 500)))
        )  # fmt: skip
    employment = tuple(
        DirectEmployment(
            rng.choice(CORPORATIONS), _day(rng, -3000, -400),
            _maybe(rng, _day(rng, -500, 0), 0.8), rng.random() < 0.2,
        )
        for _ in range(rng.randint(0, 2))
    )  # fmt: skip
    low = _maybe(rng, rng.choice([1, 2, 3, 6]), 0.6)
    return RegistrantProfile(
        id=registrant_id,
        ref=f"R{registrant_id}",
        birth_date=_maybe(rng, _day(rng, -365 * 61, -365 * 20), 0.9),
        indefinite_employment=rng.random() < 0.1,
        experience=experience,
        skills=frozenset(rng.sample(SKILLS, rng.randint(0, 3))),
        qualifications=frozenset(rng.sample(QUALIFICATIONS, rng.randint(0, 2))),
        min_hourly_wage=_maybe(rng, rng.choice([1100, 1300, 1500, 1700, 2000])),
        max_commute_minutes=_maybe(rng, rng.choice([30, 45, 60, 90])),
        contract_months_min=low,
        contract_months_max=_maybe(rng, (low or 1) + rng.choice([0, 3, 9, 24]), 0.5),
        available_from=_maybe(rng, _day(rng, -30, 120)),
        accepts_concurrent=rng.random() < 0.3,
        transport_allowance_required=rng.random() < 0.3,
        location=_location(rng),
        assignments=tuple(assignments),
        employment_history=employment,
        day_dispatch_exemption=_maybe(rng, rng.choice(["student", "side_job_income"]), 0.15),
    )


def _requirements(rng: random.Random, most: int) -> tuple[Requirement, ...]:
    return tuple(
        Requirement(rng.choice(DUTIES), rng.choice([0, 0, 3, 6, 12, 24]))
        for _ in range(rng.randint(0, most))
    )


def random_job(rng: random.Random, job_id: int) -> JobCase:
    start = _day(rng, -60, 240)
    end = None if rng.random() < 0.15 else start + timedelta(days=rng.randint(0, 1300))
    return JobCase(
        id=job_id,
        ref=f"J{job_id}",
        unit_id=rng.choice(UNITS),
        establishment_id=1,
        corporate_number=rng.choice(CORPORATIONS),
        establishment_conflict_date=_maybe(rng, _day(rng, 0, 900), 0.2),
        required=_requirements(rng, 5),
        preferred=_requirements(rng, 3),
        skills=frozenset(rng.sample(SKILLS, rng.randint(0, 3))),
        qualifications=frozenset(rng.sample(QUALIFICATIONS, rng.randint(0, 1))),
        hourly_wage=rng.choice([1050, 1250, 1400, 1600, 1800, 2100]),
        transport_allowance=rng.choice(["none", "full", "capped"]),
        start=start,
        end=end,
        employment_contract_days=_maybe(rng, rng.choice([1, 7, 30, 31, 90]), 0.3),
        location=_location(rng),
        day_dispatch_exempt_work=rng.random() < 0.3,
        prohibited_work=rng.random() < 0.04,
        individual_limit_exempt_reason=_maybe(rng, "leave_cover", 0.1),
    )


def random_agency(seed: int, registrants: int, jobs: int):
    rng = random.Random(seed)
    return (
        [random_profile(rng, 1000 + i) for i in range(registrants)],
        [random_job(rng, 5000 + j) for j in range(jobs)],
    )
