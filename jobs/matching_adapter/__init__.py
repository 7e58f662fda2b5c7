"""The one adapter between the database and the matching engine (``jobs.matching``).

It turns querysets into engine inputs (``loading``), keeps a worker's matrices between tasks
(``cache``), asks the engine for rankings (``rankings``) and stores the results as ``Match``
rows (``storing``). A pair is kept while it is among the best ``TOP_N`` of its case or of its
registrant; storing is a diff, so running a ranking twice leaves the same rows.
"""

from .cache import forget_cache, open_job_matrix, registrant_matrix
from .loading import job_case, job_cases, registrant_profile, registrant_profiles, today
from .rankings import (
    BLOCKED_SHOWN,
    TOP_N,
    Coverage,
    PairView,
    ensure_registrant_ranked,
    explain_pair,
    queue_rank_job,
    queue_rank_registrant,
    rank_job,
    rank_jobs,
    rank_registrant,
    recompute_all,
    remove_closed,
)

__all__ = [
    "BLOCKED_SHOWN",
    "TOP_N",
    "Coverage",
    "PairView",
    "ensure_registrant_ranked",
    "explain_pair",
    "forget_cache",
    "job_case",
    "job_cases",
    "open_job_matrix",
    "queue_rank_job",
    "queue_rank_registrant",
    "rank_job",
    "rank_jobs",
    "rank_registrant",
    "recompute_all",
    "registrant_matrix",
    "registrant_profile",
    "registrant_profiles",
    "remove_closed",
    "today",
]
