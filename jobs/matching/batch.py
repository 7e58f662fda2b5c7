"""The breakdown of many pairs at once: :func:`~jobs.matching.breakdown.explain` on arrays.

Storing rankings needs the breakdown of every ranked pair, 250,000 of them in a full recompute
of a large agency, and ``explain`` costs ~100 µs a pair. ``explain_pairs`` computes the eight
factors of all pairs with numpy, with the same IEEE operations in the same order as
``explain``, so the results are equal, not merely close. The caveats come from masks. The law's
per-pair functions run only for the pairs where a rule could say something: the job alone
triggers one (a day-dispatch contract, a job near the 3-year limit …), or the registrant worked
at the job's unit, was employed by its legal entity, or has an assignment that touches its
dates. ``tests/matching/test_batch.py`` checks the results against ``explain`` on every pair of
a random agency.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import numpy as np

from . import law
from .commute import DEFAULT_ESTIMATOR, CommuteEstimator
from .features import map_codes
from .gates import align, find, overlaps, pair_keys
from .matrices import JobMatrix, RegistrantMatrix, Requirements, concat_ranges
from .scoring import (
    FACTORS,
    W_PREFERRED,
    W_RECENCY,
    W_REQUIRED,
    W_SKILLS,
    condition_points,
    recency_fit,
    round_points_array,
    round_score,
)
from .types import Finding, MatchResult, RegistrantProfile


@dataclass(frozen=True, slots=True)
class _RequirementCells:
    """One row per (pair, requirement of the pair's job), in pair order then list order."""

    owner: np.ndarray  # the pair
    position: np.ndarray  # the requirement's place in the job's list
    months: np.ndarray
    last_year: np.ndarray  # NaN = unknown or not done
    cover: np.ndarray  # coverage 0–1


@dataclass(frozen=True, slots=True)
class PairScores:
    """Factor points (pairs × ``FACTORS``, unrounded) and rounded scores of pairs."""

    jobs: np.ndarray
    registrants: np.ndarray
    factors: np.ndarray
    scores: np.ndarray
    minutes: np.ndarray  # commute minutes, NaN where a location is unknown
    required: _RequirementCells


def _requirement_cells(
    R: RegistrantMatrix, req: Requirements, duty_map: np.ndarray, jobs, registrants
) -> _RequirementCells:
    starts = np.concatenate([[0], np.cumsum(req.count)])
    entries, owner = concat_ranges(starts[jobs], starts[jobs + 1])
    duty = duty_map[req.duty[entries]]
    keys = np.where(duty >= 0, duty * len(R) + registrants[owner], -1)
    sorted_keys, data_order = R.cells("months_by_duty")
    hit, where = find(sorted_keys, keys)
    months = np.zeros(entries.size)
    last_year = np.full(entries.size, np.nan)
    months[hit] = R.months_by_duty.data[data_order[where]]
    last_year[hit] = R.last_year_by_duty[data_order[where]]
    minimum = req.min_months[entries]
    cover = np.where(
        minimum > 0,
        np.minimum(months / np.where(minimum > 0, minimum, 1.0), 1.0),
        (months > 0).astype(float),
    )
    return _RequirementCells(owner, entries - starts[jobs[owner]], months, last_year, cover)


def _mean_in_list_order(cells: _RequirementCells, values: np.ndarray, count: np.ndarray):
    """Per pair, the mean of ``values`` over its requirements, added one after another in list
    order as ``explain`` adds them; 1.0 for a job with none."""
    total = np.zeros(count.size)
    for place in range(int(cells.position.max()) + 1 if cells.position.size else 0):
        at = cells.position == place
        total[cells.owner[at]] += values[at]  # one cell per pair at each place
    return np.where(count > 0, total / np.maximum(count, 1), 1.0)


def _skills_share(R: RegistrantMatrix, J: JobMatrix, jobs, registrants) -> np.ndarray:
    starts = np.concatenate([[0], np.cumsum(J.token_count)])
    entries, owner = concat_ranges(starts[jobs], starts[jobs + 1])
    token = map_codes(J.token_codes, R.token_index)[J.token[entries]]
    keys = np.where(token >= 0, token * len(R) + registrants[owner], -1)
    hit, _ = find(R.cells("tokens_by_token")[0], keys)
    had = np.bincount(owner[hit], minlength=jobs.size)
    asked = J.token_count[jobs]
    return np.where(asked > 0, had / np.maximum(asked, 1), 1.0)


def _minutes(
    R: RegistrantMatrix, J: JobMatrix, jobs, registrants, estimator: CommuteEstimator
) -> np.ndarray:
    """Commute minutes from the estimator's one-pair method, once per distinct pair of points
    (the same floats ``explain`` gets)."""
    origin, destination = R.location_key[registrants], J.location_key[jobs]
    known = (origin >= 0) & (destination >= 0)
    minutes = np.full(jobs.size, np.nan)
    width = max(J.points.shape[0], 1)
    distinct, inverse = np.unique(origin[known] * width + destination[known], return_inverse=True)
    origins, destinations = R.points.tolist(), J.points.tolist()
    values = [
        estimator.minutes(tuple(origins[code // width]), tuple(destinations[code % width]))
        for code in distinct.tolist()
    ]
    minutes[known] = np.array(values, dtype=float)[inverse.ravel()]
    return minutes


def cell_condition_points(
    R: RegistrantMatrix, J: JobMatrix, jobs: np.ndarray, registrants: np.ndarray, minutes
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(pay, commute, contract, start) points of the cells (``jobs[k]``, ``registrants[k]``)."""
    return condition_points(
        wage=J.wage[jobs],
        floor=R.wage_floor[registrants],
        no_allowance_penalty=R.needs_allowance[registrants] & J.no_allowance[jobs],
        minutes=minutes,
        max_minutes=R.max_commute[registrants],
        months=J.months[jobs],
        months_min=R.contract_min[registrants],
        months_max=R.contract_max[registrants],
        start_ordinal=J.start[jobs].astype(float),
        available_ordinal=R.available[registrants],
    )


def score_pairs(
    R: RegistrantMatrix,
    J: JobMatrix,
    jobs: np.ndarray,
    registrants: np.ndarray,
    *,
    today: date,
    estimator: CommuteEstimator | None = None,
) -> PairScores:
    """The factors and scores of the pairs (``jobs[k]``, ``registrants[k]``), as ``explain``
    computes them."""
    jobs = np.asarray(jobs, dtype=np.int64)
    registrants = np.asarray(registrants, dtype=np.int64)
    duty_map = map_codes(J.duty_codes, R.duty_index)
    required = _requirement_cells(R, J.required, duty_map, jobs, registrants)
    preferred = _requirement_cells(R, J.preferred, duty_map, jobs, registrants)
    recency = np.where(required.months > 0, recency_fit(required.last_year, today.year), 0.0)
    minutes = _minutes(R, J, jobs, registrants, estimator or DEFAULT_ESTIMATOR)
    pay, commute, contract, start = cell_condition_points(R, J, jobs, registrants, minutes)
    factors = np.column_stack(
        [
            W_REQUIRED * _mean_in_list_order(required, required.cover, J.required.count[jobs]),
            W_PREFERRED * _mean_in_list_order(preferred, preferred.cover, J.preferred.count[jobs]),
            W_SKILLS * _skills_share(R, J, jobs, registrants),
            W_RECENCY * _mean_in_list_order(required, recency, J.required.count[jobs]),
            pay,
            commute,
            contract,
            start,
        ]
    ).reshape(jobs.size, len(FACTORS))
    total = np.zeros(jobs.size)
    for column in range(len(FACTORS)):  # one addition after another, as explain adds
        total += factors[:, column]
    return PairScores(jobs, registrants, factors, round_score(total), minutes, required)


def _law_may_speak(R: RegistrantMatrix, J: JobMatrix, jobs, registrants) -> np.ndarray:
    """Pairs for which some rule of ``law.check_all`` could find something (a superset)."""
    distinct = np.unique(jobs)
    nobody = RegistrantProfile(id=0)
    job_alone = np.zeros(len(J), dtype=bool)
    for j in distinct.tolist():
        outcome = law.check_all(nobody, J.jobs[j])
        job_alone[j] = bool(outcome.blocks or outcome.caveats)
    alignment = align(R, J)
    unit_keys = pair_keys(alignment.unit[jobs], registrants, R.history.units.size)
    corporation_keys = pair_keys(alignment.corporation[jobs], registrants, len(R.corporation_index))
    speaks = job_alone[jobs] | overlaps(R.periods, J, jobs, registrants)
    speaks[find(R.history.pair_keys, unit_keys)[0]] = True
    speaks[find(R.employment.pair_keys, corporation_keys)[0]] = True
    return speaks


def _condition_caveats(
    R: RegistrantMatrix, J: JobMatrix, s: PairScores, caveats: list[list[Finding]]
) -> None:
    """The caveats of ``breakdown._condition_caveats``, appended per pair in its order."""
    jobs, registrants = s.jobs, s.registrants
    profiles, cases = R.bases, J.jobs
    months = J.months[jobs]
    contract_min, contract_max = R.contract_min[registrants], R.contract_max[registrants]
    with np.errstate(invalid="ignore"):
        masks = (
            J.wage[jobs] < R.wage_floor[registrants],
            J.no_allowance[jobs],
            s.minutes > R.max_commute[registrants],
            months < contract_min,
            ~np.isnan(contract_max) & (np.isnan(months) | (months > contract_max)),
            J.start[jobs] < R.available[registrants],
        )
    flags = np.column_stack(masks).reshape(jobs.size, len(masks))
    any_flag = np.flatnonzero(flags.any(axis=1)).tolist()
    flag_rows = flags[any_flag].tolist()
    job_list, registrant_list, minutes = jobs.tolist(), registrants.tolist(), s.minutes.tolist()
    for k, (w, a, c, sh, lo, e) in zip(any_flag, flag_rows, strict=True):
        profile, job = profiles[registrant_list[k]], cases[job_list[k]]
        found = caveats[k]
        if w:
            params = {"wage": job.hourly_wage, "desired": profile.min_hourly_wage}
            found.append(Finding("wage_below_desired", params))
        if a:
            params = {"required": profile.transport_allowance_required}
            found.append(Finding("no_transport_allowance", params))
        if c:
            limit = float(R.max_commute[registrant_list[k]])
            params = {"minutes": round(minutes[k]), "max": round(limit)}
            found.append(Finding("long_commute", params))
        if sh or lo:
            length = float(J.months[job_list[k]])
            shown = None if length != length else round(length, 1)
            if sh:
                params = {"months": shown, "min": profile.contract_months_min}
                found.append(Finding("contract_shorter_than_desired", params))
            if lo:
                params = {"months": shown, "max": profile.contract_months_max}
                found.append(Finding("contract_longer_than_desired", params))
        if e:
            assert profile.available_from is not None
            params = {
                "start": job.start.isoformat(),
                "available_from": profile.available_from.isoformat(),
            }
            found.append(Finding("start_before_available", params))


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while building many objects at agency scale: results
    hold no cycles, and with 100,000 profiles in memory each collection that the new objects
    trigger rescans all of them (seconds per run)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def explain_pairs(
    R: RegistrantMatrix,
    J: JobMatrix,
    jobs: np.ndarray,
    registrants: np.ndarray,
    *,
    today: date,
    estimator: CommuteEstimator | None = None,
) -> list[MatchResult]:
    """``[explain(R.profiles[r], J.jobs[j], today) for j, r in zip(jobs, registrants)]``."""
    with paused_gc():
        return _explain_pairs(R, J, jobs, registrants, today=today, estimator=estimator)


def _explain_pairs(
    R: RegistrantMatrix,
    J: JobMatrix,
    jobs: np.ndarray,
    registrants: np.ndarray,
    *,
    today: date,
    estimator: CommuteEstimator | None,
) -> list[MatchResult]:
    s = score_pairs(R, J, jobs, registrants, today=today, estimator=estimator)
    jobs, registrants = s.jobs, s.registrants
    n = jobs.size
    profiles, cases = R.bases, J.jobs
    job_list, registrant_list = jobs.tolist(), registrants.tolist()
    caveats: list[list[Finding]] = [[] for _ in range(n)]
    blocks: list[tuple[Finding, ...]] = [()] * n

    required = s.required
    missing = np.flatnonzero(required.cover < 1.0)
    owners = required.owner[missing].tolist()
    places = required.position[missing].tolist()
    for k, place, months in zip(owners, places, required.months[missing].tolist(), strict=True):
        code, minimum = cases[job_list[k]].required[place]
        params = {"duty": code, "months_had": int(months), "months_required": minimum}
        caveats[k].append(Finding("missing_required_duty", params))
    _condition_caveats(R, J, s, caveats)
    for k in np.flatnonzero(_law_may_speak(R, J, jobs, registrants)).tolist():
        outcome = law.check_all(profiles[registrant_list[k]], cases[job_list[k]])
        caveats[k].extend(outcome.caveats)
        blocks[k] = outcome.blocks
    flagged = np.array([bool(job.flagged_phrases) for job in cases], dtype=bool)
    for k in np.flatnonzero(flagged[jobs]).tolist():
        phrases = list(cases[job_list[k]].flagged_phrases)
        caveats[k].append(Finding("flagged_requirement", {"phrases": phrases}))

    results = []
    rounded = round_points_array(s.factors).tolist()
    for k, (score, row) in enumerate(zip(s.scores.tolist(), rounded, strict=True)):
        results.append(
            MatchResult(
                registrant_id=profiles[registrant_list[k]].id,
                job_id=cases[job_list[k]].id,
                score=score,
                eligible=not blocks[k],
                factors=dict(zip(FACTORS, row, strict=True)),
                caveats=tuple(caveats[k]),
                blocks=blocks[k],
            )
        )
    return results
