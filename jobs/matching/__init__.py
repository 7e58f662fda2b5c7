"""The matching engine: plain Python + numpy/scipy, no Django.

Frozen dataclasses in (:mod:`.types`), scores with reasons out. The law's rules live in
:mod:`.law`, the score's factors and weights in :mod:`.scoring`, one pair's breakdown in
:mod:`.breakdown`, agency-scale ranking in :mod:`.engine` over the arrays of :mod:`.matrices`
(with :mod:`.features`, :mod:`.gates` and :mod:`.topn`), and locations and commute minutes in
:mod:`.commute`.
"""

from .breakdown import explain
from .commute import CommuteEstimator, RailCommuteModel, location_for_postal_code
from .engine import (
    JobRanking,
    RegistrantRanking,
    explain_rankings,
    rank_jobs_for_registrant,
    rank_registrants_for_jobs,
)
from .matrices import JobMatrix, RegistrantMatrix
from .types import (
    DirectEmployment,
    Duty,
    Experience,
    Finding,
    JobCase,
    MatchResult,
    PastAssignment,
    RegistrantProfile,
    Requirement,
)

__all__ = [
    "CommuteEstimator",
    "DirectEmployment",
    "Duty",
    "Experience",
    "Finding",
    "JobCase",
    "JobMatrix",
    "JobRanking",
    "MatchResult",
    "PastAssignment",
    "RailCommuteModel",
    "RegistrantMatrix",
    "RegistrantProfile",
    "RegistrantRanking",
    "Requirement",
    "explain",
    "explain_rankings",
    "location_for_postal_code",
    "rank_jobs_for_registrant",
    "rank_registrants_for_jobs",
]
