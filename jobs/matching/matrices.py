"""Array forms of registrants and jobs, built once and reused by every ranking call.

:class:`RegistrantMatrix` holds a duty × registrant CSR matrix of months (with the last year of
each entry alongside), a token × registrant matrix of skills and qualifications, one array per
condition (wage floor, location …), and the few rows of history the law needs: assignments per
organizational unit with their precomputed chains, direct employment per corporate number, and
assignments that could overlap a job. :class:`JobMatrix` holds the requirement lists and one
array per job attribute. Each side has its own code vocabulary; the ranking aligns them by code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import scipy.sparse as sp

from . import law
from .experience import CompletedProfiles, ExperienceColumns, duty_cells
from .periods import (
    ALWAYS,
    NEVER,
    birthday_on_or_after,
    contract_months,
    day_after_period,
    latest_chaining_start,
)
from .scoring import DEFAULT_MAX_COMMUTE_MINUTES, recency_fit
from .types import JobCase, RegistrantProfile

# Both age exemptions (individual limit, day dispatch) start at 60: one array serves both.
EXEMPT_AGE = law.INDIVIDUAL_LIMIT.exempt_age
assert law.DAY_DISPATCH.exempt_age == EXEMPT_AGE


def _ordinal(day: date | None, missing: int) -> int:
    return missing if day is None else day.toordinal()


def _vocabulary(codes: Sequence[str]) -> tuple[tuple[str, ...], dict[str, int]]:
    ordered = tuple(sorted(set(codes)))
    return ordered, {code: i for i, code in enumerate(ordered)}


def tokens_of(item: RegistrantProfile | JobCase) -> list[str]:
    """Skills and qualifications as one code list; they are separate code spaces, so a prefix
    keeps them from colliding."""
    return [f"s:{code}" for code in item.skills] + [f"q:{code}" for code in item.qualifications]


def concat_ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All indices of the ranges ``lo[k]..hi[k]`` concatenated, and for each the range ``k``."""
    lengths = hi - lo
    owner = np.repeat(np.arange(lo.size), lengths)
    offsets = np.cumsum(lengths) - lengths
    return np.arange(lengths.sum()) - offsets[owner] + lo[owner], owner


def run_bounds(starts: np.ndarray, total: int) -> list[tuple[int, int]]:
    """``(first, end)`` of each run of a sequence of ``total`` items, given the runs' starts."""
    ends = [*starts[1:].tolist(), total] if starts.size else []
    return list(zip(starts.tolist(), ends, strict=True))


def _pair_index(pair_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys of rows sorted by key, and where each key's rows start (plus the end)."""
    keys, starts = np.unique(pair_keys, return_index=True)
    return keys, np.append(starts, pair_keys.size).astype(np.int64)


@dataclass(frozen=True, slots=True)
class UnitHistory:
    """Assignments sorted by (registrant, unit, start, end), looked up by the pair key
    ``registrant × len(units) + unit code``. Each row carries the state of its chain after it
    (see ``law.individual_limit``): the latest start that still continues the chain, and the
    chain's conflict date."""

    units: np.ndarray  # distinct unit ids, sorted: a unit's code is its position
    pair_keys: np.ndarray
    pair_starts: np.ndarray
    start: np.ndarray
    chain_continues_until: np.ndarray
    conflict: np.ndarray


@dataclass(frozen=True, slots=True)
class FormerEmployment:
    """Direct employment that can block (not retired at mandatory age), by the pair key
    ``registrant × number of corporations + corporation code``: the last job start still
    blocked (NEVER while employed), the latest over the pair's records."""

    pair_keys: np.ndarray
    last_blocked_start: np.ndarray


@dataclass(frozen=True, slots=True)
class BusyPeriods:
    """Assignments of registrants who do not accept concurrent work, per registrant (CSR),
    and the last day each registrant is busy (0 if never)."""

    indptr: np.ndarray
    start: np.ndarray
    end: np.ndarray
    until: np.ndarray


def _unit_history(profiles: Sequence[RegistrantProfile]) -> UnitHistory:
    rule = law.INDIVIDUAL_LIMIT
    rows: list[tuple[int, int, int, int, int, int]] = []
    for index, profile in enumerate(profiles):
        by_unit: dict[int, list[tuple[date, date]]] = {}
        for a in profile.assignments:
            by_unit.setdefault(a.unit_id, []).append((a.start, a.end))
        for unit, periods in by_unit.items():
            chain_start = chain_end = None
            for start, end in sorted(periods):
                if chain_end is None or start > latest_chaining_start(
                    chain_end, rule.cooling_gap_months
                ):
                    chain_start, chain_end = start, end
                else:
                    chain_end = max(chain_end, end)
                continues = latest_chaining_start(chain_end, rule.cooling_gap_months)
                conflict = day_after_period(chain_start, rule.limit_months)
                rows.append(
                    (index, unit, start.toordinal(), end.toordinal(),
                     continues.toordinal(), conflict.toordinal())
                )  # fmt: skip
    table = np.array(rows, dtype=np.int64).reshape(-1, 6)
    table = table[np.lexsort((table[:, 3], table[:, 2], table[:, 1], table[:, 0]))]
    units, unit_code = np.unique(table[:, 1], return_inverse=True)
    pair_keys, pair_starts = _pair_index(table[:, 0] * units.size + unit_code.ravel())
    return UnitHistory(units, pair_keys, pair_starts, table[:, 2], table[:, 4], table[:, 5])


def _former_employment(
    profiles: Sequence[RegistrantProfile],
) -> tuple[FormerEmployment, dict[str, int]]:
    corporations: dict[str, int] = {}
    rows: list[tuple[int, int, int]] = []
    for index, profile in enumerate(profiles):
        for employment in profile.employment_history:
            if employment.retired_at_mandatory_age:
                continue
            code = corporations.setdefault(employment.corporate_number, len(corporations))
            last = law.former_employee_last_blocked_start(employment.end)
            rows.append((index, code, _ordinal(last, NEVER)))
    table = np.array(rows, dtype=np.int64).reshape(-1, 3)
    keys = table[:, 0] * max(len(corporations), 1) + table[:, 1]
    order = np.argsort(keys, kind="stable")
    pair_keys, starts = _pair_index(keys[order])
    # Blocked while any record of the pair blocks: keep the latest last-blocked start.
    latest = np.maximum.reduceat(table[order, 2], starts[:-1]) if pair_keys.size else keys[:0]
    return FormerEmployment(pair_keys, latest), corporations


def _periods(profiles: Sequence[RegistrantProfile]) -> tuple[BusyPeriods, BusyPeriods]:
    """Assignment periods per registrant: of everyone (for the schedule-overlap caveat), and
    of those who do not accept concurrent work (for the block)."""
    rows = [
        (index, a.start.toordinal(), a.end.toordinal())
        for index, profile in enumerate(profiles)
        for a in profile.assignments
    ]
    table = np.array(rows, dtype=np.int64).reshape(-1, 3)
    table = table[np.argsort(table[:, 0], kind="stable")]
    concurrent = np.array([p.accepts_concurrent for p in profiles], dtype=bool).reshape(-1)
    busy = table[~concurrent[table[:, 0]]]
    return _by_registrant(table, len(profiles)), _by_registrant(busy, len(profiles))


def _by_registrant(table: np.ndarray, n: int) -> BusyPeriods:
    indptr = np.searchsorted(table[:, 0], np.arange(n + 1)).astype(np.int64)
    until = np.zeros(n, dtype=np.int64)
    np.maximum.at(until, table[:, 0], table[:, 2])
    return BusyPeriods(indptr, table[:, 1], table[:, 2], until)


def _nan_if_none(values: Sequence[int | None]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def _locations(items: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (lat, lon) points, and per item the index of its point (-1 when unknown)."""
    locations = np.array(
        [(np.nan, np.nan) if item.location is None else item.location for item in items],
        dtype=float,
    ).reshape(-1, 2)
    known = ~np.isnan(locations[:, 0])
    points, inverse = np.unique(locations[known], axis=0, return_inverse=True)
    key = np.full(len(items), -1, dtype=np.int64)
    key[known] = inverse.ravel()
    return points.reshape(-1, 2), key


@dataclass(eq=False)
class RegistrantMatrix:
    """Registrants as arrays; row ``i`` is ``profiles[i]``. ``bases[i]`` is the same profile,
    possibly without its experience (cheaper to read, for code that reads no experience)."""

    profiles: Sequence[RegistrantProfile]
    bases: Sequence[RegistrantProfile]
    ids: np.ndarray
    duty_codes: tuple[str, ...]
    duty_index: dict[str, int]
    months_by_duty: sp.csr_array  # duty × registrant, months (only > 0 stored)
    last_year_by_duty: np.ndarray  # aligned with months_by_duty.data; NaN = unknown
    token_index: dict[str, int]
    tokens_by_token: sp.csr_array  # token × registrant, 1.0 where held
    wage_floor: np.ndarray  # 0 = none
    needs_allowance: np.ndarray
    max_commute: np.ndarray  # defaulted to DEFAULT_MAX_COMMUTE_MINUTES
    contract_min: np.ndarray  # NaN = none
    contract_max: np.ndarray
    available: np.ndarray  # ordinal, ALWAYS when not given
    points: np.ndarray  # distinct (lat, lon) locations
    location_key: np.ndarray  # index into points, -1 when unknown
    indefinite: np.ndarray
    sixty: np.ndarray  # ordinal of the 60th birthday, NEVER when unknown
    declared_day_exempt: np.ndarray
    history: UnitHistory
    employment: FormerEmployment
    corporation_index: dict[str, int]
    busy: BusyPeriods
    periods: BusyPeriods  # every registrant's assignments, concurrent or not
    _index_of: dict[int, int] = field(default_factory=dict, repr=False)
    _recency: dict[int, np.ndarray] = field(default_factory=dict, repr=False)
    _cells: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return self.ids.size

    def index_of(self, registrant_id: int) -> int | None:
        """The row of a registrant, None if the matrix does not hold them."""
        return self._index_of.get(registrant_id)

    def recency(self, year: int) -> np.ndarray:
        """``recency_fit`` of every months_by_duty cell in ``year`` (cached per year)."""
        if year not in self._recency:
            self._recency[year] = recency_fit(self.last_year_by_duty, year)
        return self._recency[year]

    def cells(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """For the CSR matrix ``name`` (``months_by_duty`` or ``tokens_by_token``): the key
        ``row × len(self) + registrant`` of every stored cell, sorted, and the position of each
        in the matrix's data (cached): a cell is then one binary search away."""
        if name not in self._cells:
            matrix = getattr(self, name)
            rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
            keys = rows * len(self) + matrix.indices
            order = np.argsort(keys, kind="stable")
            self._cells[name] = keys[order], order
        return self._cells[name]

    @classmethod
    def from_profiles(
        cls,
        profiles: Sequence[RegistrantProfile],
        experience: ExperienceColumns | None = None,
    ) -> RegistrantMatrix:
        """From complete profiles, or from profiles without experience plus ``experience``
        (whose registrant numbers are positions in ``profiles``)."""
        profiles = tuple(profiles)
        n = len(profiles)
        if experience is None:
            complete: Sequence[RegistrantProfile] = profiles
            experience = ExperienceColumns.of_profiles(profiles)
        else:
            complete = CompletedProfiles(profiles, experience)
        duty_codes, duty_index, months, last_year = duty_cells(experience, n)

        token_lists = [tokens_of(p) for p in profiles]
        token_codes, token_index = _vocabulary([t for tokens in token_lists for t in tokens])
        token_rows = [token_index[t] for tokens in token_lists for t in tokens]
        token_cols = [i for i, tokens in enumerate(token_lists) for _ in tokens]
        tokens = sp.csr_array(
            (np.ones(len(token_rows)), (token_rows, token_cols)), shape=(len(token_codes), n)
        )
        tokens.sum_duplicates()
        employment, corporations = _former_employment(profiles)
        periods, busy = _periods(profiles)
        points, location_key = _locations(profiles)
        return cls(
            profiles=complete,
            bases=profiles,
            ids=np.array([p.id for p in profiles], dtype=np.int64),
            duty_codes=duty_codes,
            duty_index=duty_index,
            months_by_duty=months,
            last_year_by_duty=last_year,
            token_index=token_index,
            tokens_by_token=tokens,
            wage_floor=np.array([float(p.min_hourly_wage or 0) for p in profiles]),
            needs_allowance=np.array([p.transport_allowance_required for p in profiles], bool),
            max_commute=np.array(
                [float(p.max_commute_minutes or DEFAULT_MAX_COMMUTE_MINUTES) for p in profiles]
            ),
            contract_min=_nan_if_none([p.contract_months_min for p in profiles]),
            contract_max=_nan_if_none([p.contract_months_max for p in profiles]),
            available=np.array([_ordinal(p.available_from, ALWAYS) for p in profiles], float),
            points=points,
            location_key=location_key,
            indefinite=np.array([p.indefinite_employment for p in profiles], dtype=bool),
            sixty=np.array(
                [
                    NEVER
                    if p.birth_date is None
                    else birthday_on_or_after(p.birth_date, EXEMPT_AGE).toordinal()
                    for p in profiles
                ],
                dtype=np.int64,
            ),
            declared_day_exempt=np.array(
                [
                    p.day_dispatch_exemption in law.DAY_DISPATCH.declared_exemptions
                    for p in profiles
                ],
                dtype=bool,
            ),
            history=_unit_history(profiles),
            employment=employment,
            corporation_index=corporations,
            busy=busy,
            periods=periods,
            _index_of={p.id: i for i, p in enumerate(profiles)},
        )


@dataclass(frozen=True, slots=True)
class Requirements:
    """Flattened (job, duty, minimum months) entries, and how many each job lists."""

    job: np.ndarray
    duty: np.ndarray  # index into JobMatrix.duty_codes
    min_months: np.ndarray
    count: np.ndarray  # per job


def _requirements(jobs: Sequence[JobCase], attr: str, duty_index: dict[str, int]) -> Requirements:
    entries = [(j, duty_index[code], minimum) for j, job in enumerate(jobs)
               for code, minimum in getattr(job, attr)]  # fmt: skip
    table = np.array(entries, dtype=np.int64).reshape(-1, 3)
    return Requirements(
        job=table[:, 0],
        duty=table[:, 1],
        min_months=table[:, 2].astype(float),
        count=np.bincount(table[:, 0], minlength=len(jobs)),
    )


@dataclass(eq=False)
class JobMatrix:
    """Job cases as arrays; row ``j`` is ``jobs[j]``."""

    jobs: tuple[JobCase, ...]
    ids: np.ndarray
    duty_codes: tuple[str, ...]
    required: Requirements
    preferred: Requirements
    token_codes: tuple[str, ...]
    token_job: np.ndarray
    token: np.ndarray
    token_count: np.ndarray
    wage: np.ndarray
    no_allowance: np.ndarray
    start: np.ndarray  # ordinal
    end: np.ndarray  # ordinal, NEVER when open-ended
    has_end: np.ndarray
    months: np.ndarray  # NaN when open-ended
    points: np.ndarray  # distinct (lat, lon) locations
    location_key: np.ndarray  # index into points, -1 when unknown
    unit: np.ndarray
    corporate_numbers: tuple[str, ...]
    blocked: np.ndarray  # prohibited work or establishment limit: nobody may take it
    day_dispatch: np.ndarray  # a contract short enough for the day-dispatch ban
    limit_exempt: np.ndarray  # the job is exempt from the individual limit
    over_limit: np.ndarray  # the job alone is longer than the individual limit
    _index_of: dict[int, int] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return self.ids.size

    def index_of(self, job_id: int) -> int | None:
        """The row of a job, None if the matrix does not hold it."""
        return self._index_of.get(job_id)

    @classmethod
    def from_jobs(cls, jobs: Sequence[JobCase]) -> JobMatrix:
        jobs = tuple(jobs)
        duty_codes, duty_index = _vocabulary(
            [code for job in jobs for code, _ in (*job.required, *job.preferred)]
        )
        token_lists = [tokens_of(job) for job in jobs]
        token_codes, token_index = _vocabulary([t for tokens in token_lists for t in tokens])
        limit = law.INDIVIDUAL_LIMIT.limit_months
        end = np.array([_ordinal(job.end, NEVER) for job in jobs], dtype=np.int64)
        points, location_key = _locations(jobs)
        return cls(
            jobs=jobs,
            ids=np.array([job.id for job in jobs], dtype=np.int64),
            duty_codes=duty_codes,
            required=_requirements(jobs, "required", duty_index),
            preferred=_requirements(jobs, "preferred", duty_index),
            token_codes=token_codes,
            token_job=np.array(
                [j for j, tokens in enumerate(token_lists) for _ in tokens], dtype=np.int64
            ),
            token=np.array([token_index[t] for tokens in token_lists for t in tokens], np.int64),
            token_count=np.array([len(tokens) for tokens in token_lists], dtype=np.int64),
            wage=np.array([float(job.hourly_wage) for job in jobs]),
            no_allowance=np.array([job.transport_allowance == "none" for job in jobs], bool),
            start=np.array([job.start.toordinal() for job in jobs], dtype=np.int64),
            end=end,
            has_end=end != NEVER,
            months=_nan_if_none([contract_months(job.start, job.end) for job in jobs]),
            points=points,
            location_key=location_key,
            unit=np.array([job.unit_id for job in jobs], dtype=np.int64),
            corporate_numbers=tuple(job.corporate_number for job in jobs),
            blocked=np.array(
                [
                    bool((law.prohibited_work(job) + law.establishment_limit(job)).blocks)
                    for job in jobs
                ],
                dtype=bool,
            ),  # fmt: skip
            day_dispatch=np.array([law.is_day_dispatch(job) for job in jobs], dtype=bool),
            limit_exempt=np.array(
                [job.individual_limit_exempt_reason is not None for job in jobs], dtype=bool
            ),
            over_limit=(end != NEVER)
            & (end >= np.array([day_after_period(j.start, limit).toordinal() for j in jobs], int)),
            _index_of={job.id: j for j, job in enumerate(jobs)},
        )
