"""The one adapter between the database and the matching engine (``jobs.matching``).

It turns querysets into engine inputs (read with ``values_list``: at agency scale, model
instances would cost more than the scoring), asks the engine for rankings, and stores the
results as ``Match`` rows. A pair is kept while it is among the best ``TOP_N`` of its case or of
its registrant; storing is a diff, so running a ranking twice leaves the same rows.
"""

import hashlib
import json
import logging
import math
import threading
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np
import psycopg
from django.db import connection, connections, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from registrants.models import DirectEmployment, DutyExperience, Registrant

from .matching import (
    DirectEmployment as EngineEmployment,
)
from .matching import (
    JobCase,
    JobMatrix,
    MatchResult,
    PastAssignment,
    RegistrantMatrix,
    RegistrantProfile,
    Requirement,
    location_for_postal_code,
    rank_jobs_for_registrant,
    rank_registrants_for_jobs,
)
from .matching.batch import explain_pairs, paused_gc, score_pairs
from .matching.breakdown import explain
from .matching.gates import align, job_wide_allowed, pair_blocked
from .matching.matrices import CompletedProfiles, ExperienceColumns
from .matching.scoring import duty_summary
from .matching.topn import tiebreak
from .models import Assignment, Duty, DutyCategory, Job, JobDuty, Match, Qualification, Skill
from .requirement_check import check_requirements, job_texts

logger = logging.getLogger(__name__)
TOP_N = 50
# Blocked registrants stored with a case when they would rank among its best: staff see who
# the law keeps out and why.
BLOCKED_SHOWN = 10
_STORED_FIELDS = ("score", "eligible", "factors", "caveats", "blocks")


def today() -> date:
    return timezone.localdate()


# --- Django → engine -------------------------------------------------------------------------


def _columns(queryset, *fields: str) -> list[list]:
    """The columns of ``queryset.values_list(*fields)``, in no particular row order.

    On PostgreSQL the server gathers each column into one array, read in binary: for the 1.5
    million experience rows of a large agency that takes a third of the time of a tuple per
    row."""
    queryset = queryset.order_by().values_list(*fields)
    if not _bulk_sql():
        rows = list(queryset)
        return (
            [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in fields]
        )
    sql, params = queryset.query.sql_with_params()
    names = ", ".join(f"c{k}" for k in range(len(fields)))
    arrays = ", ".join(f"array_agg(c{k})" for k in range(len(fields)))
    connection.ensure_connection()
    # Django's cursors bind on the client, which psycopg allows only for text results.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(f"SELECT {arrays} FROM ({sql}) AS q({names})", params, binary=True)
        return [column or [] for column in cursor.fetchone()]


def _grouped(factory, owners: list, *columns: list) -> dict[int, tuple]:
    """``factory(*row)`` of each row, grouped by owner."""
    grouped: dict[int, list] = defaultdict(list)
    for owner, *row in zip(owners, *columns, strict=True):
        grouped[owner].append(factory(*row))
    return {owner: tuple(items) for owner, items in grouped.items()}


_NO_CODES: frozenset[str] = frozenset()


def _code_sets(owners: list, values: list, code_of: dict[int, str]) -> dict[int, frozenset]:
    """The codes of ``values`` (ids), as a set per owner."""
    grouped: dict[int, list[str]] = defaultdict(list)
    for owner, value in zip(owners, values, strict=True):
        grouped[owner].append(code_of[value])
    return {owner: frozenset(codes) for owner, codes in grouped.items()}


def _codes_by_id(model) -> dict[int, str]:
    return dict(model.objects.values_list("pk", "code"))


def _experience_rows(experiences) -> tuple[np.ndarray, ...]:
    """(registrant id, duty id, months, last year or NaN) of every experience row."""
    owner, duty_id, months, last_year = _columns(
        experiences, "registrant_id", "duty_id", "months", "last_year"
    )
    return (
        np.array(owner, dtype=np.int64),
        np.array(duty_id, dtype=np.int64),
        np.array(months, dtype=np.int64),
        np.array([math.nan if y is None else y for y in last_year], dtype=float),
    )


def _experience_columns(rows: tuple[np.ndarray, ...], ids: np.ndarray) -> ExperienceColumns:
    """Experience rows as engine columns; ``ids`` are the registrants' ids, sorted."""
    owner, duty_id, months, last_year = rows
    code_of = _codes_by_id(Duty)
    duty_ids = np.array(sorted(code_of), dtype=np.int64)
    row = np.searchsorted(ids, owner)
    order = np.argsort(row, kind="stable")
    return ExperienceColumns(
        codes=tuple(code_of[pk] for pk in duty_ids.tolist()),
        registrant=row[order],
        duty=np.searchsorted(duty_ids, duty_id)[order],
        months=months[order],
        last_year=last_year[order],
    )


def _meanwhile(function, *args):
    """Start ``function`` on a thread with its own database connection and return a callable
    that waits for its result: the largest read overlaps the others. Inside a transaction it
    runs here and now (another connection would not see the transaction's writes)."""
    if connection.in_atomic_block:
        result = function(*args)
        return lambda: result

    def run():
        try:
            return function(*args)
        finally:
            connections.close_all()  # this thread's connections

    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(run)
    pool.shutdown(wait=False)
    return future.result


def _registrant_columns(ids: Iterable[int] | None = None) -> "_Loaded":
    """Profiles of the given registrants (all when ``ids`` is None) in id order, without their
    experience, and the experience as columns: what ``RegistrantMatrix.from_profiles`` takes."""
    registrants = Registrant.objects.all()
    experiences = DutyExperience.objects.all()
    through = (
        Registrant.skills.through,
        Registrant.qualifications.through,
        Registrant.desired_duty_categories.through,
    )
    held = [model.objects.all() for model in through]
    assignments = Assignment.objects.all()
    employments = DirectEmployment.objects.all()
    if ids is not None:
        ids = list(ids)
        registrants = registrants.filter(pk__in=ids)
        experiences, assignments, employments = (
            qs.filter(registrant_id__in=ids) for qs in (experiences, assignments, employments)
        )
        held = [qs.filter(registrant_id__in=ids) for qs in held]
    experience_rows = _meanwhile(_experience_rows, experiences)
    skill_code, qualification_code, category_code = (
        _codes_by_id(model) for model in (Skill, Qualification, DutyCategory)
    )
    skills_of, qualifications_of, categories_of = (
        _code_sets(*_columns(qs, "registrant_id", field), codes)
        for qs, field, codes in zip(
            held,
            ("skill_id", "qualification_id", "dutycategory_id"),
            (skill_code, qualification_code, category_code),
            strict=True,
        )
    )
    assignment_columns = _columns(
        assignments,
        "registrant_id",
        "unit_id",
        "unit__establishment_id",
        "unit__establishment__client__corporate_number",
        "start",
        "end",
        "pk",
    )
    assignments_of = _grouped(PastAssignment, *assignment_columns[:-1])
    employment_columns = _columns(
        employments,
        "registrant_id",
        "employer_corporate_number",
        "start",
        "end",
        "retired_at_mandatory_age",
        "pk",
    )
    employment_of = _grouped(EngineEmployment, *employment_columns[:-1])
    rows = registrants.order_by("pk").values_list(
        "pk",
        "ref",
        "birth_date",
        "agency_employment",
        "min_hourly_wage",
        "max_commute_minutes",
        "contract_months_min",
        "contract_months_max",
        "available_from",
        "accepts_concurrent",
        "transport_allowance_required",
        "postal_code",
        "day_dispatch_exemption",
        "day_dispatch_exemption_verified",
    )
    profiles = []
    indefinite = Registrant.AgencyEmployment.INDEFINITE
    for (pk, ref, birth, employment, wage, commute, months_min, months_max, available,
         concurrent, allowance, postal_code, exemption, verified) in rows:  # fmt: skip
        profiles.append(
            RegistrantProfile(
                id=pk,
                ref=ref,
                birth_date=birth,
                indefinite_employment=employment == indefinite,
                skills=skills_of.get(pk, _NO_CODES),
                qualifications=qualifications_of.get(pk, _NO_CODES),
                duty_categories=categories_of.get(pk, _NO_CODES),
                min_hourly_wage=wage,
                max_commute_minutes=commute,
                contract_months_min=months_min,
                contract_months_max=months_max,
                available_from=available,
                accepts_concurrent=concurrent,
                transport_allowance_required=allowance,
                location=location_for_postal_code(postal_code) if postal_code else None,
                assignments=assignments_of.get(pk, ()),
                employment_history=employment_of.get(pk, ()),
                # A declared exemption counts only once the agency recorded how it verified it.
                day_dispatch_exemption=(exemption or None) if verified else None,
            )
        )
    order = np.array([profile.id for profile in profiles], dtype=np.int64)
    experience = _experience_columns(experience_rows(), order)
    tallies = {
        "experience": _tally(experience.registrant, experience.months, order.size),
        "assignments": _tally(
            np.searchsorted(order, assignment_columns[0]), assignment_columns[-1], order.size
        ),
        "employment": _tally(
            np.searchsorted(order, employment_columns[0]), employment_columns[-1], order.size
        ),
    }
    return _Loaded(profiles, experience, tallies)


def _tally(rows, values, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per registrant row: how many child rows, and the sum of ``values`` over them."""
    rows = np.asarray(rows, dtype=np.int64)
    values = np.asarray(values, dtype=np.int64)
    return np.bincount(rows, minlength=n), np.bincount(rows, weights=values, minlength=n)


@dataclass(frozen=True)
class _Loaded:
    """Registrants as ``RegistrantMatrix.from_profiles`` takes them, and per registrant the
    tally of each child table (``_CHILD_TABLES``) that the cache uses to tell what changed."""

    profiles: list[RegistrantProfile]
    experience: ExperienceColumns
    tallies: dict[str, tuple[np.ndarray, np.ndarray]]

    def matrix(self) -> RegistrantMatrix:
        return RegistrantMatrix.from_profiles(self.profiles, self.experience)


def registrant_profiles(ids: Iterable[int] | None = None) -> list[RegistrantProfile]:
    """Engine profiles of the given registrants (all when ``ids`` is None), in id order."""
    loaded = _registrant_columns(ids)
    return list(CompletedProfiles(loaded.profiles, loaded.experience))


def registrant_profile(registrant: Registrant) -> RegistrantProfile:
    return registrant_profiles([registrant.pk])[0]


def _duty_flags() -> dict[str, tuple[bool, bool]]:
    return {
        code: (exempt, prohibited)
        for code, exempt, prohibited in Duty.objects.values_list(
            "code", "day_dispatch_exempt", "prohibited"
        )
    }


def job_cases(queryset) -> list[JobCase]:
    """Engine cases of the jobs of ``queryset``, in id order (read as values: model instances
    of 5,000 cases with their duties cost seconds)."""
    flags = _duty_flags()
    duty_code, skill_code, qualification_code, category_code = (
        _codes_by_id(model) for model in (Duty, Skill, Qualification, DutyCategory)
    )
    ids = queryset.values("pk")
    duties_of: dict[int, list[tuple]] = defaultdict(list)
    for job_id, *duty in (
        JobDuty.objects.filter(job__in=ids)
        .order_by("job_id", *JobDuty._meta.ordering, "pk")
        .values_list("job_id", "kind", "duty_id", "min_months")
    ):
        duties_of[job_id].append(tuple(duty))
    skills_of, qualifications_of = (
        _code_sets(*_columns(model.objects.filter(job__in=ids), "job_id", field), codes)
        for model, field, codes in (
            (Job.skills.through, "skill_id", skill_code),
            (Job.qualifications.through, "qualification_id", qualification_code),
        )
    )
    rows = queryset.order_by("pk").values_list(
        "pk", "ref", "unit_id", "unit__establishment_id",
        "unit__establishment__client__corporate_number", "unit__establishment__conflict_date",
        "unit__establishment__conflict_date_extended_to", "hourly_wage", "transport_allowance",
        "transport_cap_per_month", "start", "end", "employment_contract_days", "postal_code",
        "duty_category_id", "individual_limit_exemption", "title", "description", "dress_code",
        "confidential__pk", "confidential__notes",
    )  # fmt: skip
    cases = []
    for (pk, ref, unit, establishment, corporate_number, conflict_date, extended_to, wage,
         allowance, cap, start, end, contract_days, postal_code, category, exemption, title,
         description, dress_code, confidential, notes) in rows:  # fmt: skip
        duties = duties_of.get(pk, [])
        codes = [duty_code[duty] for _, duty, _ in duties]
        texts = job_texts(
            title=title,
            description=description,
            dress_code=dress_code,
            notes=None if confidential is None else notes,
        )
        cases.append(
            JobCase(
                id=pk,
                ref=ref,
                unit_id=unit,
                establishment_id=establishment,
                corporate_number=corporate_number,
                establishment_conflict_date=extended_to or conflict_date,
                required=tuple(
                    Requirement(duty_code[duty], months)
                    for kind, duty, months in duties
                    if kind == JobDuty.Kind.REQUIRED
                ),
                preferred=tuple(
                    Requirement(duty_code[duty], months)
                    for kind, duty, months in duties
                    if kind == JobDuty.Kind.PREFERRED
                ),
                skills=skills_of.get(pk, _NO_CODES),
                qualifications=qualifications_of.get(pk, _NO_CODES),
                hourly_wage=wage,
                transport_allowance=allowance,
                transport_cap_per_month=cap,
                start=start,
                end=end,
                employment_contract_days=contract_days,
                location=location_for_postal_code(postal_code) if postal_code else None,
                duty_category=category_code[category] if category else None,
                day_dispatch_exempt_work=bool(codes)
                and all(flags.get(code, (False, False))[0] for code in codes),
                prohibited_work=any(flags.get(code, (False, False))[1] for code in codes),
                individual_limit_exempt_reason=exemption or None,
                flagged_phrases=tuple(flag.phrase for flag in check_requirements(texts)),
            )
        )
    return cases


def job_case(job: Job) -> JobCase:
    return job_cases(Job.objects.filter(pk=job.pk))[0]


# --- Cached matrices ---------------------------------------------------------------------------
# A worker keeps the registrant matrix between tasks and rebuilds it only when registrant data
# changed: building it for 100,000 registrants costs seconds, ranking one case milliseconds.

_cache_lock = threading.Lock()
_cache: dict[str, object] = {}


def _open_jobs_version() -> tuple:
    return tuple(Job.objects.open().aggregate(n=Count("pk"), at=Max("updated_at")).values())


def _cached(key: str, version: tuple, build):
    with _cache_lock:
        found = _cache.get(key)
        if found and found[0] == version:
            return found[1]
        value = build()
        _cache[key] = (version, value)
        return value


# A registrant's child rows, each tallied by (rows, sum of a column).
_CHILD_TABLES = {
    "experience": (DutyExperience, "months"),
    "assignments": (Assignment, "pk"),
    "employment": (DirectEmployment, "pk"),
}
# More changed registrants than this since the matrix was built: build it again.
DELTA_LIMIT = 2_000


def _child_totals(excluding: list[int]) -> dict[str, tuple[int, int]]:
    totals = {}
    for name, (model, column) in _CHILD_TABLES.items():
        found = model.objects.exclude(registrant_id__in=excluding).aggregate(
            n=Count("pk"), total=Sum(column)
        )
        totals[name] = (found["n"], int(found["total"] or 0))
    return totals


@dataclass(frozen=True)
class _Snapshot:
    """A worker's registrant matrix and what it was built from."""

    R: RegistrantMatrix
    related: dict
    count: int
    stamp: object  # the latest updated_at among the registrants it holds
    totals: dict[str, tuple[int, int]]
    tallies: dict[str, tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class _Part:
    """Registrants to rank: a matrix, who worked where, and rows to leave out (stale)."""

    R: RegistrantMatrix
    related: dict
    excluded: np.ndarray | None = None


def _head() -> tuple[int, object]:
    found = Registrant.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    return found["n"], found["at"]


def _build_snapshot() -> _Snapshot:
    with paused_gc():
        count, stamp = _head()
        totals = _child_totals([])
        loaded = _registrant_columns()
        R = loaded.matrix()
        return _Snapshot(R, _related_registrants(R), count, stamp, totals, loaded.tallies)


def _registrant_parts(*, consolidate: bool = False) -> list[_Part]:
    """The registrants as one cached matrix, or as the cached matrix without the rows of the
    registrants changed since it was built plus a small matrix of those.

    Building the matrix of 100,000 registrants costs seconds; a profile edit must not make the
    next case wait for that. Every service that changes a profile moves the registrant's
    ``updated_at`` (``queue_rank_registrant``); the child tables' tallies over everybody else
    must still be what they were, or something changed behind the services' back (an import)
    and the matrix is built again. So is it after a deletion, past ``DELTA_LIMIT`` changes, and
    when ``consolidate`` asks (the nightly recompute)."""
    with _cache_lock:
        snapshot = _cache.get("registrants")
        count, stamp = _head()
        fresh = (
            snapshot is not None
            and (count, stamp) == (snapshot.count, snapshot.stamp)
            and _child_totals([]) == snapshot.totals
        )
        if fresh:
            return [_Part(snapshot.R, snapshot.related)]
        if snapshot is not None and not consolidate:
            delta = _delta(snapshot, count, stamp)
            if delta is not None:
                return delta
        snapshot = _cache["registrants"] = _build_snapshot()
        _cache.pop("delta", None)
        return [_Part(snapshot.R, snapshot.related)]


def _delta(snapshot: _Snapshot, count: int, stamp) -> list[_Part] | None:
    """The snapshot's parts with the registrants changed since it was built, or None when the
    snapshot cannot be patched."""
    if snapshot.stamp is None:  # built when there was nobody
        return None
    changed = list(
        Registrant.objects.filter(updated_at__gt=snapshot.stamp).values_list("pk", flat=True)
    )
    if not changed or len(changed) > DELTA_LIMIT:
        return None
    index_of = snapshot.R._index_of
    stale = np.array([index_of[pk] for pk in changed if pk in index_of], dtype=np.int64)
    if count != len(snapshot.R) + len(changed) - stale.size:  # somebody was deleted
        return None
    expected = {
        name: (n - int(rows[stale].sum()), total - int(sums[stale].sum()))
        for name, (n, total) in snapshot.totals.items()
        for rows, sums in [snapshot.tallies[name]]
    }
    if _child_totals(changed) != expected:
        return None
    key = (tuple(sorted(changed)), count, stamp)
    found = _cache.get("delta")
    if found is None or found[0] != key:
        with paused_gc():
            R = _registrant_columns(changed).matrix()
            found = _cache["delta"] = (key, _Part(R, _related_registrants(R)))
    excluded = np.zeros(len(snapshot.R), dtype=bool)
    excluded[stale] = True
    return [_Part(snapshot.R, snapshot.related, excluded), found[1]]


def registrant_matrix() -> RegistrantMatrix:
    """Every registrant as one up-to-date matrix."""
    return _registrant_parts(consolidate=True)[0].R


def open_job_matrix() -> JobMatrix:
    return _cached(
        "open_jobs",
        _open_jobs_version(),
        lambda: JobMatrix.from_jobs(job_cases(Job.objects.open())),
    )


def forget_cache() -> None:
    with _cache_lock:
        _cache.clear()


# --- Rankings ------------------------------------------------------------------------------------


def rank_jobs(job_ids: list[int], *, top_n: int = TOP_N, consolidate: bool = False):
    """Rank open cases against every registrant and store each case's best, plus the blocked
    registrants who would rank among them (a former employee, someone at the 3-year limit:
    staff see why they are not proposed)."""
    with paused_gc():
        parts = _registrant_parts(consolidate=consolidate)
        cases = job_cases(Job.objects.open().filter(pk__in=job_ids))
        on = today()
        results: list[MatchResult] = []
        if cases:
            J = JobMatrix.from_jobs(cases)
            best = _merged([_ranked(part, J, top_n, on) for part in parts], J, top_n)
            floors = np.full(len(J), np.inf)
            full = np.bincount(best.jobs, minlength=len(J)) >= top_n
            np.minimum.at(floors, best.jobs, best.scores)  # the N-th best: the lowest kept
            floors[~full] = 0.0
            blocked = _merged(
                [_blocked_contenders(part, J, floors, on) for part in parts], J, BLOCKED_SHOWN
            )
            for k, part in enumerate(parts):
                mine = (best.part == k, blocked.part == k)
                results += explain_pairs(
                    part.R,
                    J,
                    np.concatenate([best.jobs[mine[0]], blocked.jobs[mine[1]]]),
                    np.concatenate([best.registrants[mine[0]], blocked.registrants[mine[1]]]),
                    today=on,
                )
        closed = set(job_ids) - {case.id for case in cases}
        return _store_for_jobs(job_ids=[case.id for case in cases], closed=closed, results=results)


@dataclass(frozen=True)
class _Pairs:
    """Pairs (job index, registrant row of a part) with their scores and registrant ids; after
    ``_merged``, ``part`` says which part each row is of."""

    jobs: np.ndarray
    registrants: np.ndarray
    scores: np.ndarray
    ids: np.ndarray
    part: np.ndarray | None = None


def _ranked(part: _Part, J: JobMatrix, top_n: int, on: date) -> _Pairs:
    if not len(part.R):
        return _Pairs(_NONE, _NONE, np.zeros(0), _NONE)
    rankings = rank_registrants_for_jobs(part.R, J, None, top_n, today=on, excluded=part.excluded)
    sizes = [r.registrant_indices.size for r in rankings]
    registrants = np.concatenate([_NONE, *(r.registrant_indices for r in rankings)])
    return _Pairs(
        np.repeat(np.array([r.job_index for r in rankings], dtype=np.int64), sizes),
        registrants,
        np.concatenate([np.zeros(0), *(r.scores for r in rankings)]),
        part.R.ids[registrants],
    )


_NONE = np.zeros(0, dtype=np.int64)


def _merged(found: list[_Pairs], J: JobMatrix, limit: int) -> _Pairs:
    """The best ``limit`` pairs of each job over the parts' pairs, in the ranking's order
    (score, then the tiebreak of the ids)."""
    jobs, registrants, scores, ids = (
        np.concatenate([getattr(p, name) for p in found])
        for name in ("jobs", "registrants", "scores", "ids")
    )
    part = np.repeat(np.arange(len(found)), [p.jobs.size for p in found])
    order = np.lexsort((tiebreak(ids, J.ids[jobs]), -scores, jobs))
    sorted_jobs = jobs[order]
    kept = order[np.arange(order.size) - np.searchsorted(sorted_jobs, sorted_jobs) < limit]
    return _Pairs(jobs[kept], registrants[kept], scores[kept], ids[kept], part[kept])


def _blocked_contenders(part: _Part, J: JobMatrix, floors: np.ndarray, on: date) -> _Pairs:
    """Pairs of a registrant who worked at the job's unit or for its legal entity, is blocked
    from it, and scores at least the job's ``floors`` (its N-th best)."""
    R, related = part.R, part.related
    found = [
        np.union1d(related.get(case.unit_id, _NONE), related.get(case.corporate_number, _NONE))
        for case in J.jobs
    ]
    registrants = np.concatenate([_NONE, *found])
    jobs = np.repeat(np.arange(len(J)), [rows.size for rows in found])
    if part.excluded is not None:
        current = ~part.excluded[registrants]
        jobs, registrants = jobs[current], registrants[current]
    blocked = ~job_wide_allowed(R, J, jobs, registrants)
    blocked |= pair_blocked(R, J, align(R, J), jobs, registrants)
    jobs, registrants = jobs[blocked], registrants[blocked]
    scores = score_pairs(R, J, jobs, registrants, today=on).scores
    contender = scores >= floors[jobs]
    return _Pairs(
        jobs[contender], registrants[contender], scores[contender], R.ids[registrants[contender]]
    )


def _related_registrants(R: RegistrantMatrix) -> dict:
    """Registrant indices (sorted arrays) by unit they worked in and by legal entity that
    employed them."""
    related: dict = defaultdict(set)
    for index, profile in enumerate(R.bases):
        for assignment in profile.assignments:
            related[assignment.unit_id].add(index)
        for employment in profile.employment_history:
            related[employment.corporate_number].add(index)
    return {key: np.array(sorted(rows), dtype=np.int64) for key, rows in related.items()}


def rank_job(*, job_id: int, top_n: int = TOP_N) -> int:
    return rank_jobs([job_id], top_n=top_n)


def rank_registrant(*, registrant_id: int, top_n: int = TOP_N) -> int:
    """Rank one registrant against every open case and store their best (and refresh every
    stored pair of theirs)."""
    loaded = _registrant_columns([registrant_id])
    if not loaded.profiles:
        return 0
    J = open_job_matrix()
    on = today()
    results: list[MatchResult] = []
    top: set[int] = set()
    if len(J):
        R1 = loaded.matrix()
        ranking = rank_jobs_for_registrant(R1, J, 0, top_n, today=on)
        top = set(ranking.job_ids.tolist())
        stored = Match.objects.filter(registrant_id=registrant_id).values_list("job_id", flat=True)
        index_of = {int(job_id): j for j, job_id in enumerate(J.ids)}
        others = [index_of[job_id] for job_id in stored if job_id not in top and job_id in index_of]
        jobs = np.concatenate([ranking.job_indices, np.array(others, dtype=np.int64)])
        results = explain_pairs(R1, J, jobs, np.zeros(jobs.size, dtype=np.int64), today=on)
    return _store_for_registrant(registrant_id=registrant_id, top=top, results=results)


def ensure_registrant_ranked(registrant: Registrant) -> None:
    """Rank a registrant on demand when nothing was computed since their profile last changed."""
    latest = Match.objects.filter(registrant=registrant, in_registrant_top=True).aggregate(
        at=Max("computed_at")
    )["at"]
    if latest is None or latest < registrant.updated_at:
        rank_registrant(registrant_id=registrant.pk)


def recompute_all(*, top_n: int = TOP_N, chunk: int | None = None) -> int:
    """Every open case against every registrant, in one process. Returns rows stored."""
    ids = list(Job.objects.open().order_by("pk").values_list("pk", flat=True))
    stored = 0
    step = chunk or max(len(ids), 1)
    for lo in range(0, len(ids), step):
        stored += rank_jobs(ids[lo : lo + step], top_n=top_n, consolidate=lo == 0)
    remove_closed()
    return stored


def remove_closed() -> int:
    deleted, _ = Match.objects.exclude(job__status=Job.Status.OPEN).delete()
    return deleted


# --- One pair, live ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    duty: Duty
    kind: str
    min_months: int
    months_had: int
    covered: bool


@dataclass(frozen=True)
class PairView:
    score: float
    eligible: bool
    factors: dict
    caveats: list
    blocks: list
    coverage: list[Coverage]


def explain_pair(*, job: Job, registrant: Registrant) -> PairView:
    """The score, reasons, caveats, blocks and requirement coverage of one pair, computed now."""
    profile = registrant_profile(registrant)
    result = explain(profile, job_case(job), today())
    summary = duty_summary(profile.experience)
    coverage = []
    duties = sorted(
        job.duties.select_related("duty"),
        key=lambda item: (item.kind != JobDuty.Kind.REQUIRED, -item.min_months, item.pk),
    )
    for item in duties:
        months = int(summary.get(item.duty.code, (0, 0))[0])
        covered = months >= item.min_months if item.min_months else months > 0
        coverage.append(Coverage(item.duty, item.kind, item.min_months, months, covered))
    return PairView(
        score=result.score,
        eligible=result.eligible,
        factors=dict(result.factors),
        caveats=[finding.to_dict() for finding in result.caveats],
        blocks=[finding.to_dict() for finding in result.blocks],
        coverage=coverage,
    )


# --- Storing -----------------------------------------------------------------------------------


def _store(existing_qs, results: list[MatchResult], *, flag: str, keep_flagged: set | None) -> int:
    """Diff ``results`` (the new members under ``flag``) against ``existing_qs``; returns the
    rows created, changed or deleted.

    Rows that leave the ``flag`` set lose the flag, and are deleted when no flag keeps them.
    ``keep_flagged`` limits which results get the flag (None: all of them). A row's stored
    digest of its values tells whether it changed, so a nightly recompute that finds most
    pairs as they were reads three integers per row and writes only what changed.
    """
    other = "in_registrant_top" if flag == "in_job_top" else "in_job_top"
    with paused_gc():
        pks, jobs, registrants, digests, flagged, kept = _columns(
            existing_qs, "pk", "job_id", "registrant_id", "digest", flag, other
        )
        existing = {
            key: row
            for key, *row in zip(
                zip(jobs, registrants, strict=True), pks, digests, flagged, kept, strict=True
            )
        }
        creates, updates, unflag, removals, seen = [], [], [], [], set()
        for result in results:
            key = (result.job_id, result.registrant_id)
            if key in seen:  # the first result of a pair counts
                continue
            seen.add(key)
            member = keep_flagged is None or key in keep_flagged
            row = existing.get(key)
            if row is None:
                if member:
                    creates.append(_Row(result))
                continue
            pk, digest, was_member, other_keeps = row
            if not member and not other_keeps:
                removals.append(pk)
                continue
            stored = _Row(result)
            if stored.digest != digest or was_member != member:
                updates.append((pk, stored, member))
        for key, (pk, _, was_member, other_keeps) in existing.items():
            if key not in seen and was_member:
                (unflag if other_keeps else removals).append(pk)
        apply = _apply_postgresql if _bulk_sql() else _apply_orm
        with transaction.atomic():
            apply(creates, updates, unflag, removals, flag=flag, other=other)
    return len(creates) + len(updates) + len(unflag) + len(removals)


class _Row:
    """One result as stored: its values, their JSON and the digest of that JSON."""

    __slots__ = ("result", "json", "digest")

    def __init__(self, result: MatchResult):
        self.result = result
        self.json = json.dumps(
            [
                result.score,
                result.eligible,
                result.factors,
                [finding.to_dict() for finding in result.caveats],
                [finding.to_dict() for finding in result.blocks],
            ]
        )
        hashed = hashlib.blake2b(self.json.encode(), digest_size=8).digest()
        self.digest = int.from_bytes(hashed, "big", signed=True)

    def values(self) -> dict:
        score, eligible, factors, caveats, blocks = json.loads(self.json)
        return {
            "score": score,
            "eligible": eligible,
            "factors": factors,
            "caveats": caveats,
            "blocks": blocks,
            "digest": self.digest,
        }


def _bulk_sql() -> bool:
    """Whether to read columns and write matches with PostgreSQL's arrays and JSON."""
    return connection.vendor == "postgresql"


def _apply_orm(creates, updates, unflag, removals, *, flag: str, other: str) -> None:
    now = timezone.now()
    Match.objects.bulk_create(
        [
            Match(
                job_id=row.result.job_id,
                registrant_id=row.result.registrant_id,
                computed_at=now,
                **row.values(),
                **{flag: True, other: False},
            )
            for row in creates
        ],
        batch_size=2000,
    )
    changed = []
    for pk, row, member in updates:
        match = Match(pk=pk, computed_at=now, **row.values(), **{flag: member})
        changed.append(match)
    fields = [*_STORED_FIELDS, "digest", flag, "computed_at"]
    Match.objects.bulk_update(changed, fields, batch_size=1000)
    for lo in range(0, max(len(unflag), len(removals)), 5000):
        Match.objects.filter(pk__in=unflag[lo : lo + 5000]).update(**{flag: False}, computed_at=now)
        Match.objects.filter(pk__in=removals[lo : lo + 5000]).delete()


_CHUNK = 20_000


def _apply_postgresql(creates, updates, unflag, removals, *, flag: str, other: str) -> None:
    """``_apply_orm`` with the rows sent as one JSON array per statement (the ORM builds a
    model instance per row: a minute for a first recompute of a large agency)."""
    now = timezone.now()
    quote = connection.ops.quote_name
    table, flag, other = quote(Match._meta.db_table), quote(flag), quote(other)
    columns = "(e->>2)::double precision, (e->>3)::boolean, e->4, e->5, e->6, (e->>7)::bigint"
    with connection.cursor() as cursor:
        for lo in range(0, len(creates), _CHUNK):
            rows = ",".join(
                f"[{row.result.job_id},{row.result.registrant_id},{row.json[1:-1]},{row.digest}]"
                for row in creates[lo : lo + _CHUNK]
            )
            cursor.execute(
                f"INSERT INTO {table} (job_id, registrant_id, score, eligible, factors, "
                f"caveats, blocks, digest, computed_at, {flag}, {other}) "
                f"SELECT (e->>0)::bigint, (e->>1)::bigint, {columns}, %s, true, false "
                "FROM jsonb_array_elements(%s::jsonb) AS e",
                [now, f"[{rows}]"],
            )
        for lo in range(0, len(updates), _CHUNK):
            rows = ",".join(
                f"[{pk},{'true' if member else 'false'},{row.json[1:-1]},{row.digest}]"
                for pk, row, member in updates[lo : lo + _CHUNK]
            )
            cursor.execute(
                f"UPDATE {table} AS m SET score = (e->>2)::double precision, "
                "eligible = (e->>3)::boolean, factors = e->4, caveats = e->5, blocks = e->6, "
                f"digest = (e->>7)::bigint, {flag} = (e->>1)::boolean, computed_at = %s "
                "FROM jsonb_array_elements(%s::jsonb) AS e WHERE m.id = (e->>0)::bigint",
                [now, f"[{rows}]"],
            )
        if unflag:
            cursor.execute(
                f"UPDATE {table} SET {flag} = false, computed_at = %s WHERE id = ANY(%s)",
                [now, unflag],
            )
        if removals:
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [removals])


def _store_for_jobs(*, job_ids: list[int], closed: set[int], results: list[MatchResult]) -> int:
    if closed:
        Match.objects.filter(job_id__in=closed).delete()
    if not job_ids:
        return 0
    return _store(
        Match.objects.filter(job_id__in=job_ids), results, flag="in_job_top", keep_flagged=None
    )


def _store_for_registrant(*, registrant_id: int, top: set[int], results: list) -> int:
    return _store(
        Match.objects.filter(registrant_id=registrant_id),
        results,
        flag="in_registrant_top",
        keep_flagged={(job_id, registrant_id) for job_id in top},
    )


# --- Queuing -------------------------------------------------------------------------------------


def queue_rank_job(job_id: int) -> None:
    """Rerank a case once the current transaction commits (a case opened or changed)."""
    from .tasks import task_rank_job

    transaction.on_commit(lambda: _send(task_rank_job, job_id=job_id), robust=True)


def queue_rank_registrant(registrant_id: int) -> None:
    """Rerank a registrant once the current transaction commits (their profile changed)."""
    from .tasks import task_rank_registrant

    # Moving updated_at tells every worker's cached registrant matrix that it is stale.
    Registrant.objects.filter(pk=registrant_id).update(updated_at=timezone.now())
    transaction.on_commit(
        lambda: _send(task_rank_registrant, registrant_id=registrant_id), robust=True
    )


def _send(task, **kwargs) -> None:
    try:
        task.delay(**kwargs)
    except Exception:  # broker down: the nightly recompute catches up
        logger.warning("could not queue %s%s; the nightly recompute will", task.name, kwargs)
