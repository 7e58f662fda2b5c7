"""Database → engine inputs: registrants and cases read as columns and values (at agency scale,
model instances would cost more than the scoring)."""

import math
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np
import psycopg
from django.db import connection, connections
from django.utils import timezone

from registrants.models import DirectEmployment, DutyExperience, Registrant

from ..matching import (
    DirectEmployment as EngineEmployment,
)
from ..matching import (
    Duty as EngineDuty,
)
from ..matching import (
    JobCase,
    PastAssignment,
    RegistrantMatrix,
    RegistrantProfile,
    Requirement,
    law,
    location_for_postal_code,
)
from ..matching.experience import CompletedProfiles, ExperienceColumns
from ..models import Assignment, Duty, DutyCategory, Job, JobDuty, Qualification, Skill
from ..requirement_check import check_requirements, job_texts


def today() -> date:
    return timezone.localdate()


def bulk_sql() -> bool:
    """Whether to read columns and write matches with PostgreSQL's arrays and JSON."""
    return connection.vendor == "postgresql"


def columns(queryset, *fields: str) -> list[list]:
    """The columns of ``queryset.values_list(*fields)``, in no particular row order.

    On PostgreSQL the server gathers each column into one array, read in binary: for the 1.5
    million experience rows of a large agency that takes a third of the time of a tuple per
    row."""
    queryset = queryset.order_by().values_list(*fields)
    if not bulk_sql():
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
    owner, duty_id, months, last_year = columns(
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


def _meanwhile(function, *args, background: bool):
    """Start ``function`` on a thread with its own database connection and return a callable
    that waits for its result: the largest read overlaps the others. Without ``background``
    (a few registrants are not worth a connection), or inside a transaction (another
    connection would not see its writes), it runs here and now."""
    if not background or connection.in_atomic_block:
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


def registrant_columns(ids: Iterable[int] | None = None) -> "_Loaded":
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
    experience_rows = _meanwhile(_experience_rows, experiences, background=ids is None)
    skill_code, qualification_code, category_code = (
        _codes_by_id(model) for model in (Skill, Qualification, DutyCategory)
    )
    skills_of, qualifications_of, categories_of = (
        _code_sets(*columns(qs, "registrant_id", field), codes)
        for qs, field, codes in zip(
            held,
            ("skill_id", "qualification_id", "dutycategory_id"),
            (skill_code, qualification_code, category_code),
            strict=True,
        )
    )
    assignment_columns = columns(
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
    employment_columns = columns(
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
    loaded = registrant_columns(ids)
    return list(CompletedProfiles(loaded.profiles, loaded.experience))


def registrant_profile(registrant: Registrant) -> RegistrantProfile:
    return registrant_profiles([registrant.pk])[0]


def job_cases(queryset) -> list[JobCase]:
    """Engine cases of the jobs of ``queryset``, in id order (read as values: model instances
    of 5,000 cases with their duties cost seconds)."""
    duty_code, duty_of = {}, {}
    for pk, code, category, exempt, prohibited in Duty.objects.values_list(
        "pk", "code", "category__code", "day_dispatch_exempt", "prohibited"
    ):
        duty_code[pk] = code
        duty_of[code] = EngineDuty(
            code=code, category=category, day_dispatch_exempt=exempt, prohibited=prohibited
        )
    skill_code, qualification_code, category_code = (
        _codes_by_id(model) for model in (Skill, Qualification, DutyCategory)
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
        _code_sets(*columns(model.objects.filter(job__in=ids), "job_id", field), codes)
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
        exempt_work, prohibited_work = law.job_duty_flags(
            (duty_code[duty] for _, duty, _ in duties), duty_of
        )
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
                day_dispatch_exempt_work=exempt_work,
                prohibited_work=prohibited_work,
                individual_limit_exempt_reason=exemption or None,
                flagged_phrases=tuple(flag.phrase for flag in check_requirements(texts)),
            )
        )
    return cases


def job_case(job: Job) -> JobCase:
    return job_cases(Job.objects.filter(pk=job.pk))[0]
