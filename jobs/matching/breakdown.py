"""The exact breakdown of one registrant × job: every factor's points, caveats and blocks.

The vectorized ranking finds the top N; ``explain`` says why, and its score is the one the
ranking computed (``tests/matching`` checks this on random data).
"""

from __future__ import annotations

import math
from datetime import date

from . import law
from .commute import DEFAULT_ESTIMATOR, CommuteEstimator
from .periods import ALWAYS, contract_months
from .scoring import (
    DEFAULT_MAX_COMMUTE_MINUTES,
    W_PREFERRED,
    W_RECENCY,
    W_REQUIRED,
    W_SKILLS,
    condition_points_one,
    coverage,
    duty_summary,
    recency_fit_one,
    round_points,
    round_score_one,
)
from .types import Finding, JobCase, MatchResult, RegistrantProfile, Requirement


def _mean_coverage(
    requirements: tuple[Requirement, ...], summary: dict[str, tuple[float, float]]
) -> float:
    if not requirements:
        return 1.0
    total = 0.0
    for code, minimum in requirements:
        total += coverage(summary.get(code, (0.0, 0.0))[0], minimum)
    return total / len(requirements)


def _mean_recency(
    requirements: tuple[Requirement, ...], summary: dict[str, tuple[float, float]], year: int
) -> float:
    if not requirements:
        return 1.0
    total = 0.0
    for code, _ in requirements:
        if code in summary:
            total += recency_fit_one(summary[code][1], year)
    return total / len(requirements)


def _skills_share(profile: RegistrantProfile, job: JobCase) -> float:
    asked = len(job.skills) + len(job.qualifications)
    if asked == 0:
        return 1.0
    had = len(job.skills & profile.skills) + len(job.qualifications & profile.qualifications)
    return had / asked


def _nan_if_none(value: float | None) -> float:
    return math.nan if value is None else float(value)


def commute_minutes(
    profile: RegistrantProfile, job: JobCase, estimator: CommuteEstimator
) -> float | None:
    if profile.location is None or job.location is None:
        return None
    return estimator.minutes(profile.location, job.location)


def _condition_caveats(
    profile: RegistrantProfile, job: JobCase, minutes: float | None, max_minutes: float
) -> list[Finding]:
    caveats: list[Finding] = []
    floor = profile.min_hourly_wage
    if floor is not None and job.hourly_wage < floor:
        caveats.append(Finding("wage_below_desired", {"wage": job.hourly_wage, "desired": floor}))
    if job.transport_allowance == "none":
        required = profile.transport_allowance_required
        caveats.append(Finding("no_transport_allowance", {"required": required}))
    if minutes is not None and minutes > max_minutes:
        caveats.append(
            Finding("long_commute", {"minutes": round(minutes), "max": round(max_minutes)})
        )
    months = contract_months(job.start, job.end)
    shown = None if months is None else round(months, 1)
    minimum = profile.contract_months_min
    if months is not None and minimum is not None and months < minimum:
        params = {"months": shown, "min": minimum}
        caveats.append(Finding("contract_shorter_than_desired", params))
    maximum = profile.contract_months_max
    if maximum is not None and (months is None or months > maximum):
        params = {"months": shown, "max": maximum}
        caveats.append(Finding("contract_longer_than_desired", params))
    if profile.available_from is not None and job.start < profile.available_from:
        params = {
            "start": job.start.isoformat(),
            "available_from": profile.available_from.isoformat(),
        }
        caveats.append(Finding("start_before_available", params))
    return caveats


def _duty_caveats(job: JobCase, summary: dict[str, tuple[float, float]]) -> list[Finding]:
    caveats = []
    for code, minimum in job.required:
        months = summary.get(code, (0.0, 0.0))[0]
        if coverage(months, minimum) < 1.0:
            params = {"duty": code, "months_had": int(months), "months_required": minimum}
            caveats.append(Finding("missing_required_duty", params))
    return caveats


def explain(
    profile: RegistrantProfile,
    job: JobCase,
    today: date,
    estimator: CommuteEstimator | None = None,
) -> MatchResult:
    """Score, factor points, caveats and blocks of one pair; ``today`` sets the recency year."""
    estimator = estimator or DEFAULT_ESTIMATOR
    summary = duty_summary(profile.experience)
    minutes = commute_minutes(profile, job, estimator)
    max_minutes = float(profile.max_commute_minutes or DEFAULT_MAX_COMMUTE_MINUTES)
    months = contract_months(job.start, job.end)
    pay, commute, contract, start = condition_points_one(
        wage=float(job.hourly_wage),
        floor=float(profile.min_hourly_wage or 0),
        no_allowance_penalty=(
            profile.transport_allowance_required and job.transport_allowance == "none"
        ),
        minutes=_nan_if_none(minutes),
        max_minutes=max_minutes,
        months=_nan_if_none(months),
        months_min=_nan_if_none(profile.contract_months_min),
        months_max=_nan_if_none(profile.contract_months_max),
        start_ordinal=float(job.start.toordinal()),
        available_ordinal=float(
            profile.available_from.toordinal() if profile.available_from else ALWAYS
        ),
    )
    factors = {
        "required_duties": W_REQUIRED * _mean_coverage(job.required, summary),
        "preferred_duties": W_PREFERRED * _mean_coverage(job.preferred, summary),
        "skills": W_SKILLS * _skills_share(profile, job),
        "recency": W_RECENCY * _mean_recency(job.required, summary, today.year),
        "pay": pay,
        "commute": commute,
        "contract": contract,
        "start": start,
    }
    total = 0.0
    for points in factors.values():  # one addition after another, as the batch does
        total += points
    score = round_score_one(total)

    outcome = law.check_all(profile, job)
    caveats = [
        *_duty_caveats(job, summary),
        *_condition_caveats(profile, job, minutes, max_minutes),
    ]
    caveats.extend(outcome.caveats)
    if job.flagged_phrases:
        caveats.append(Finding("flagged_requirement", {"phrases": list(job.flagged_phrases)}))
    return MatchResult(
        registrant_id=profile.id,
        job_id=job.id,
        score=score,
        eligible=not outcome.blocks,
        factors={name: round_points(points) for name, points in factors.items()},
        caveats=tuple(caveats),
        blocks=outcome.blocks,
    )


def requirement_coverage(profile: RegistrantProfile, job: JobCase) -> dict[str, list[dict]]:
    """Each requirement of the job with the registrant's coverage of it, for the job page and
    the proposal (DOMAIN.md: requirements are shown before anyone applies)."""
    summary = duty_summary(profile.experience)

    def duties(requirements: tuple[Requirement, ...]) -> list[dict]:
        return [
            {
                "duty": code,
                "months_required": minimum,
                "months_had": int(summary.get(code, (0.0, 0.0))[0]),
                "covered": coverage(summary.get(code, (0.0, 0.0))[0], minimum) >= 1.0,
            }
            for code, minimum in requirements
        ]

    return {
        "required": duties(job.required),
        "preferred": duties(job.preferred),
        "skills": [{"skill": s, "held": s in profile.skills} for s in sorted(job.skills)],
        "qualifications": [
            {"qualification": q, "held": q in profile.qualifications}
            for q in sorted(job.qualifications)
        ],
    }


def explain_many(
    pairs: list[tuple[RegistrantProfile, JobCase]],
    today: date,
    estimator: CommuteEstimator | None = None,
) -> list[MatchResult]:
    """``explain`` for a batch (the adapter's top-N breakdowns)."""
    return [explain(profile, job, today, estimator) for profile, job in pairs]
