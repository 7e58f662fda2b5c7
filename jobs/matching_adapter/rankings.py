"""Rankings: which registrants a case should see, which cases a registrant should see, stored;
the live view of one pair; queuing the rankings when a case or a profile changes."""

import logging
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from registrants.models import Registrant

from ..matching import (
    JobMatrix,
    MatchResult,
    rank_jobs_for_registrant,
    rank_registrants_for_jobs,
)
from ..matching.batch import explain_pairs, paused_gc, score_pairs
from ..matching.breakdown import explain
from ..matching.engine import ranked_pairs
from ..matching.gates import align, job_wide_allowed, pair_blocked
from ..matching.scoring import duty_summary
from ..matching.topn import tiebreak
from ..models import Duty, Job, JobDuty, Match
from .cache import Part, open_job_matrix, registrant_parts
from .loading import job_case, job_cases, registrant_columns, registrant_profile, today
from .storing import store_for_jobs, store_for_registrant

logger = logging.getLogger(__name__)
TOP_N = 50
# Blocked registrants stored with a case when they would rank among its best: staff see who
# the law keeps out and why.
BLOCKED_SHOWN = 10


def rank_jobs(job_ids: list[int], *, top_n: int = TOP_N, consolidate: bool = False):
    """Rank open cases against every registrant and store each case's best, plus the blocked
    registrants who would rank among them (a former employee, someone at the 3-year limit:
    staff see why they are not proposed)."""
    with paused_gc():
        parts = registrant_parts(consolidate=consolidate)
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
        return store_for_jobs(job_ids=[case.id for case in cases], closed=closed, results=results)


@dataclass(frozen=True)
class _Pairs:
    """Pairs (job index, registrant row of a part) with their scores and registrant ids; after
    ``_merged``, ``part`` says which part each row is of."""

    jobs: np.ndarray
    registrants: np.ndarray
    scores: np.ndarray
    ids: np.ndarray
    part: np.ndarray | None = None


def _ranked(part: Part, J: JobMatrix, top_n: int, on: date) -> _Pairs:
    if not len(part.R):
        return _Pairs(_NONE, _NONE, np.zeros(0), _NONE)
    rankings = rank_registrants_for_jobs(part.R, J, None, top_n, today=on, excluded=part.excluded)
    jobs, registrants, scores = ranked_pairs(rankings)
    return _Pairs(jobs, registrants, scores, part.R.ids[registrants])


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


def _blocked_contenders(part: Part, J: JobMatrix, floors: np.ndarray, on: date) -> _Pairs:
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


def rank_job(*, job_id: int, top_n: int = TOP_N) -> int:
    return rank_jobs([job_id], top_n=top_n)


def rank_registrant(*, registrant_id: int, top_n: int = TOP_N) -> int:
    """Rank one registrant against every open case and store their best (and refresh every
    stored pair of theirs)."""
    loaded = registrant_columns([registrant_id])
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
        others = [J.index_of(job_id) for job_id in stored if job_id not in top]
        others = [j for j in others if j is not None]  # cases closed since
        jobs = np.concatenate([ranking.job_indices, np.array(others, dtype=np.int64)])
        results = explain_pairs(R1, J, jobs, np.zeros(jobs.size, dtype=np.int64), today=on)
    return store_for_registrant(registrant_id=registrant_id, top=top, results=results)


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


# --- Queuing -------------------------------------------------------------------------------------


def queue_rank_job(job_id: int) -> None:
    """Rerank a case once the current transaction commits (a case opened or changed)."""
    from ..tasks import task_rank_job

    transaction.on_commit(lambda: _send(task_rank_job, job_id=job_id), robust=True)


def queue_rank_registrant(registrant_id: int) -> None:
    """Rerank a registrant once the current transaction commits (their profile changed)."""
    from ..tasks import task_rank_registrant

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
