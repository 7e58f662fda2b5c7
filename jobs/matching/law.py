"""The dispatch-law rules the matching applies: each rule is data plus one function.

Sources: 労働者派遣法 and the MHLW 労働者派遣事業関係業務取扱要領. Every function takes the
engine's plain inputs and returns findings (codes + params), never sentences. The vectorized
ranking in ``engine`` applies the same rules to arrays; ``tests/matching`` checks the two agree.

Dates: periods are counted with :mod:`jobs.matching.periods` (民法143条), so "3 years from
1 April 2024" ends on 31 March 2027 and the conflict date (抵触日) is 1 April 2027.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .periods import (
    ONE_DAY,
    add_months,
    day_after_period,
    is_at_least_age,
    latest_chaining_start,
    period_last_day,
)
from .types import DECLARED_DAY_DISPATCH_EXEMPTIONS, Duty, Finding, JobCase, RegistrantProfile

# --- The rules as data -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndividualLimitRule:
    article: str = "労働者派遣法40条の3"
    limit_months: int = 36
    # A gap longer than this between two assignments at the unit restarts the count.
    cooling_gap_months: int = 3
    exempt_age: int = 60
    # Warn when the conflict date falls this soon after the job's end (a renewal would hit it).
    warn_within_months: int = 3
    # An open-ended job that continues an earlier chain would run past the conflict date.
    open_ended_chained_blocks: bool = True


@dataclass(frozen=True, slots=True)
class EstablishmentLimitRule:
    article: str = "労働者派遣法40条の2"


@dataclass(frozen=True, slots=True)
class FormerEmployeeRule:
    article: str = "労働者派遣法40条の9"
    window_months: int = 12


@dataclass(frozen=True, slots=True)
class DayDispatchRule:
    article: str = "労働者派遣法35条の4"
    max_contract_days: int = 30
    exempt_age: int = 60
    declared_exemptions: frozenset[str] = DECLARED_DAY_DISPATCH_EXEMPTIONS


@dataclass(frozen=True, slots=True)
class ProhibitedWorkRule:
    article: str = "労働者派遣法4条"


INDIVIDUAL_LIMIT = IndividualLimitRule()
ESTABLISHMENT_LIMIT = EstablishmentLimitRule()
FORMER_EMPLOYEE = FormerEmployeeRule()
DAY_DISPATCH = DayDispatchRule()
PROHIBITED_WORK = ProhibitedWorkRule()

# The designated work types exempt from the day-dispatch ban (施行令4条1項), for the taxonomy
# admin; a job's ``day_dispatch_exempt_work`` says all of its duties are of these types.
DAY_DISPATCH_EXEMPT_WORK_TYPES = (
    "software development", "machine design", "office equipment operation",
    "interpreting, translation, stenography", "secretarial", "filing", "research",
    "financial processing", "trade documents", "demonstration", "tour conducting",
    "reception and guidance", "research and development", "business planning", "editing",
    "advertising design", "OA instruction", "sales engineering", "financial product sales",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one rule found: blocks make the pair ineligible, caveats travel with the match."""

    blocks: tuple[Finding, ...] = ()
    caveats: tuple[Finding, ...] = ()

    def __add__(self, other: Outcome) -> Outcome:
        return Outcome(self.blocks + other.blocks, self.caveats + other.caveats)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


# --- 40条の3: individual limit ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndividualLimitResult:
    exempt_reason: str | None
    earlier: tuple[tuple[date, date], ...]
    chained: bool
    chain_start: date | None
    conflict_date: date | None
    blocked: bool
    near: bool

    def outcome(self) -> Outcome:
        blocks: list[Finding] = []
        caveats: list[Finding] = []
        conflict = _iso(self.conflict_date)
        if self.blocked:
            blocks.append(
                Finding(
                    "individual_limit",
                    {"chain_start": _iso(self.chain_start), "conflict_date": conflict},
                )
            )
        elif self.near:
            caveats.append(Finding("individual_limit_near", {"conflict_date": conflict}))
        if self.earlier:
            earlier = [[start.isoformat(), end.isoformat()] for start, end in self.earlier]
            params = {"earlier": earlier, "conflict_date": conflict, "chained": self.chained}
            caveats.append(Finding("same_unit_before", params))
        return Outcome(tuple(blocks), tuple(caveats))


def individual_limit_exemption(
    profile: RegistrantProfile, job: JobCase, rule: IndividualLimitRule = INDIVIDUAL_LIMIT
) -> str | None:
    """Why the individual limit does not apply to this pair, or None if it does."""
    if profile.indefinite_employment:
        return "indefinite_employment"
    if is_at_least_age(profile.birth_date, rule.exempt_age, job.start):
        return "age_60_plus"
    return job.individual_limit_exempt_reason


def individual_limit(
    profile: RegistrantProfile, job: JobCase, rule: IndividualLimitRule = INDIVIDUAL_LIMIT
) -> IndividualLimitResult:
    """労働者派遣法40条の3: one worker may work in one organizational unit for at most 3 years.

    Assignments at the job's unit that started before the job are chained while the gap
    between them is at most ``cooling_gap_months``; the job continues the last chain when it
    starts within that gap too. The conflict date is the day after 3 years from the chain's
    first day. The job is blocked when its period reaches the conflict date (an open-ended job
    that continues a chain always would); it is "near" when the conflict date falls within
    ``warn_within_months`` after the job's end. Assignments after the job's start are left to
    the schedule-overlap rule.
    """
    earlier = tuple(
        sorted(
            (a.start, a.end)
            for a in profile.assignments
            if a.unit_id == job.unit_id and a.start < job.start
        )
    )
    exempt = individual_limit_exemption(profile, job, rule)
    if exempt is not None:
        return IndividualLimitResult(exempt, earlier, False, None, None, False, False)

    chain_start: date | None = None
    chain_end: date | None = None
    for start, end in earlier:
        if chain_end is None or start > latest_chaining_start(chain_end, rule.cooling_gap_months):
            chain_start, chain_end = start, end
        else:
            chain_end = max(chain_end, end)
    chained = chain_end is not None and job.start <= latest_chaining_start(
        chain_end, rule.cooling_gap_months
    )
    if not chained:
        chain_start = job.start
    assert chain_start is not None
    conflict = day_after_period(chain_start, rule.limit_months)
    if job.end is None:
        blocked = chained and rule.open_ended_chained_blocks
        near = False
    else:
        blocked = job.end >= conflict
        near = not blocked and conflict <= add_months(job.end, rule.warn_within_months)
    return IndividualLimitResult(None, earlier, chained, chain_start, conflict, blocked, near)


# --- 40条の2: establishment limit ------------------------------------------------------------


def establishment_limit(
    job: JobCase, rule: EstablishmentLimitRule = ESTABLISHMENT_LIMIT
) -> Outcome:
    """労働者派遣法40条の2: no case may run on or past the establishment's conflict date."""
    conflict = job.establishment_conflict_date
    last_day = job.end or job.start
    if conflict is not None and last_day >= conflict:
        return Outcome(blocks=(Finding("establishment_limit", {"conflict_date": _iso(conflict)}),))
    return Outcome()


# --- 40条の9: former employees ---------------------------------------------------------------


def former_employee_last_blocked_start(
    employment_end: date | None, rule: FormerEmployeeRule = FORMER_EMPLOYEE
) -> date | None:
    """The last job start still within a year of leaving; None while still employed."""
    if employment_end is None:
        return None
    return period_last_day(employment_end + ONE_DAY, rule.window_months)


def former_employee(
    profile: RegistrantProfile, job: JobCase, rule: FormerEmployeeRule = FORMER_EMPLOYEE
) -> Outcome:
    """労働者派遣法40条の9: no dispatch to a legal entity (by corporate number) that employed the
    worker directly within the year before the job starts, or still does; people who retired
    at a mandatory retirement age are the exception."""
    for employment in profile.employment_history:
        if employment.corporate_number != job.corporate_number:
            continue
        if employment.retired_at_mandatory_age:
            continue
        last_blocked = former_employee_last_blocked_start(employment.end, rule)
        if last_blocked is None or job.start <= last_blocked:
            params = {
                "corporate_number": job.corporate_number,
                "employment_end": _iso(employment.end),
            }
            return Outcome(blocks=(Finding("former_employee", params),))
    return Outcome()


# --- 35条の4: day dispatch ---------------------------------------------------------------------


def is_day_dispatch(job: JobCase, rule: DayDispatchRule = DAY_DISPATCH) -> bool:
    """Whether the job's employment contract is short enough to fall under the ban."""
    days = job.employment_contract_days
    return days is not None and days <= rule.max_contract_days and not job.day_dispatch_exempt_work


def day_dispatch(
    profile: RegistrantProfile, job: JobCase, rule: DayDispatchRule = DAY_DISPATCH
) -> Outcome:
    """労働者派遣法35条の4: employment contracts of 30 days or less are banned, except for the
    designated work types and for people aged 60+, day students and the income cases (the
    verified declaration is on the profile)."""
    if not is_day_dispatch(job, rule):
        return Outcome()
    if is_at_least_age(profile.birth_date, rule.exempt_age, job.start):
        return Outcome()
    if profile.day_dispatch_exemption in rule.declared_exemptions:
        return Outcome()
    return Outcome(
        blocks=(Finding("day_dispatch", {"contract_days": job.employment_contract_days}),)
    )


# --- 4条: work that may not be dispatched -------------------------------------------------------


def prohibited_work(job: JobCase, rule: ProhibitedWorkRule = PROHIBITED_WORK) -> Outcome:
    """労働者派遣法4条: port cargo, construction, security, most medical work … never."""
    if job.prohibited_work:
        return Outcome(blocks=(Finding("prohibited_work", {}),))
    return Outcome()


# --- Schedule overlap (agency policy, DOMAIN.md "Overlaps") ----------------------------------


def schedule_overlap(profile: RegistrantProfile, job: JobCase) -> Outcome:
    """An assignment whose dates touch the job's period blocks the pair, unless the registrant
    declared they accept concurrent work: then it is a caveat."""
    findings = []
    for assignment in sorted(profile.assignments, key=lambda a: (a.start, a.end)):
        if assignment.end >= job.start and (job.end is None or assignment.start <= job.end):
            params = {"start": _iso(assignment.start), "end": _iso(assignment.end)}
            findings.append(Finding("schedule_overlap", params))
    if profile.accepts_concurrent:
        return Outcome(caveats=tuple(findings))
    return Outcome(blocks=tuple(findings))


# --- All of them -------------------------------------------------------------------------------


def check_all(profile: RegistrantProfile, job: JobCase) -> Outcome:
    """Every rule for one pair, in a stable order (job-level rules first)."""
    return (
        prohibited_work(job)
        + establishment_limit(job)
        + day_dispatch(profile, job)
        + individual_limit(profile, job).outcome()
        + former_employee(profile, job)
        + schedule_overlap(profile, job)
    )


def job_duty_flags(duty_codes: Iterable[str], duties: Mapping[str, Duty]) -> tuple[bool, bool]:
    """``(day_dispatch_exempt_work, prohibited_work)`` of a job from its duties' metadata: the
    exemption needs every duty to be a designated type, one prohibited duty taints the job."""
    known = [duties[code] for code in duty_codes if code in duties]
    exempt = bool(known) and all(duty.day_dispatch_exempt for duty in known)
    prohibited = any(duty.prohibited for duty in known)
    return exempt, prohibited
