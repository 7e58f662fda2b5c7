"""Engine inputs and outputs: frozen dataclasses, no Django.

The Django adapter builds :class:`RegistrantProfile` and :class:`JobCase` from querysets and
stores :class:`MatchResult` rows; nothing here knows about models. Codes (duty codes, skill codes,
finding codes) are plain strings so that the Django side owns their translations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, NamedTuple

LatLon = tuple[float, float]
TransportAllowance = Literal["none", "full", "capped"]

DECLARED_DAY_DISPATCH_EXEMPTIONS = frozenset({"student", "side_job_income", "household_income"})


class Experience(NamedTuple):
    """Months spent on one duty; ``last_year`` is the last calendar year it was done."""

    duty_code: str
    months: int
    last_year: int | None = None


class Requirement(NamedTuple):
    """A duty a job asks for, with the minimum months of it (0 = done at all)."""

    duty_code: str
    min_months: int = 0


class PastAssignment(NamedTuple):
    """An assignment (就業) through this agency, past, current or agreed for the future."""

    unit_id: int
    establishment_id: int
    corporate_number: str
    start: date
    end: date


class DirectEmployment(NamedTuple):
    """A period of direct employment by a legal entity (for 40条の9); ``end`` None = ongoing."""

    corporate_number: str
    start: date
    end: date | None = None
    retired_at_mandatory_age: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Duty:
    """Taxonomy metadata of one duty code."""

    code: str
    category: str
    day_dispatch_exempt: bool = False
    prohibited: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrantProfile:
    """What the engine may know about a registrant. Sex, education, industry and company names
    are deliberately absent; ``birth_date`` is read only for the legal age exemptions."""

    id: int
    ref: str = ""
    birth_date: date | None = None
    indefinite_employment: bool = False
    experience: tuple[Experience, ...] = ()
    skills: frozenset[str] = frozenset()
    qualifications: frozenset[str] = frozenset()
    duty_categories: frozenset[str] = frozenset()
    min_hourly_wage: int | None = None
    max_commute_minutes: int | None = None
    contract_months_min: int | None = None
    contract_months_max: int | None = None
    available_from: date | None = None
    accepts_concurrent: bool = False
    transport_allowance_required: bool = False
    location: LatLon | None = None
    assignments: tuple[PastAssignment, ...] = ()
    employment_history: tuple[DirectEmployment, ...] = ()
    # A verified declared exemption from the day-dispatch ban; "age 60+" is derived from
    # birth_date instead. One of DECLARED_DAY_DISPATCH_EXEMPTIONS or None.
    day_dispatch_exemption: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class JobCase:
    """The public and legal facts of a job case (案件) that matching needs."""

    id: int
    ref: str = ""
    unit_id: int
    establishment_id: int
    corporate_number: str
    establishment_conflict_date: date | None = None
    required: tuple[Requirement, ...] = ()
    preferred: tuple[Requirement, ...] = ()
    skills: frozenset[str] = frozenset()
    qualifications: frozenset[str] = frozenset()
    hourly_wage: int
    transport_allowance: TransportAllowance = "full"
    transport_cap_per_month: int | None = None
    start: date
    end: date | None = None
    employment_contract_days: int | None = None
    location: LatLon | None = None
    duty_category: str | None = None
    day_dispatch_exempt_work: bool = False
    prohibited_work: bool = False
    # "fixed_term_project" / "limited_days" / "leave_cover": exempt from the individual limit.
    individual_limit_exempt_reason: str | None = None
    flagged_phrases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """A block or caveat as a code plus JSON-serializable params; the UI translates the code."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params}


@dataclass(frozen=True, slots=True)
class MatchResult:
    """One registrant × job: the score (0–100, one decimal), each factor's points, and the
    findings. ``eligible`` is False exactly when there is at least one block."""

    registrant_id: int
    job_id: int
    score: float
    eligible: bool
    factors: dict[str, float]
    caveats: tuple[Finding, ...]
    blocks: tuple[Finding, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "registrant_id": self.registrant_id,
            "job_id": self.job_id,
            "score": self.score,
            "eligible": self.eligible,
            "factors": dict(self.factors),
            "caveats": [finding.to_dict() for finding in self.caveats],
            "blocks": [finding.to_dict() for finding in self.blocks],
        }
