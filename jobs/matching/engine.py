"""Ranking at agency scale: the top N eligible registrants of each job, the top N jobs of one
registrant. Scores are exactly those of :func:`jobs.matching.breakdown.explain`.

How a chunk of jobs is ranked (``rank_registrants_for_jobs``):

1. Duty and skill points of every registrant as one sparse product, accumulated into a dense
   chunk × registrants buffer (:mod:`jobs.matching.features`).
2. Job-wide rules (prohibited work, establishment limit, day dispatch, a job longer than the
   individual limit) set masked cells to -inf (:mod:`jobs.matching.gates`).
3. A lower bound of each row's N-th best final score from a few exactly scored seed cells;
   only cells that could still reach it become candidates (:mod:`jobs.matching.topn`).
4. Candidates are checked against the pair rules (individual limit, former employee,
   overlap), get their condition points (pay, commute, contract, start), and the best N by
   rounded score and a fair tiebreak are kept.

Chunks run on a small thread pool; numpy releases the GIL in the large array operations.
"""

from __future__ import annotations

import os
import queue
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np

from .batch import cell_condition_points, explain_pairs
from .commute import DEFAULT_ESTIMATOR, CommuteEstimator
from .features import (
    DutyFeatures,
    add_duty_points,
    duty_features,
    registrant_duty_points,
)
from .gates import Alignment, align, job_wide_allowed, job_wide_mask, pair_blocked
from .matrices import JobMatrix, RegistrantMatrix, run_bounds
from .scoring import round_score
from .topn import (
    CANDIDATE_MARGIN,
    MAX_ROWS,
    SEEDS_PER_RANK,
    best_per_row,
    kth_largest,
    seed_cells,
    tiebreak,
)
from .types import MatchResult

DEFAULT_CHUNK = 128
# Candidate cells scored at once: bounds memory when a rare requirement makes every
# registrant a candidate for a job.
MAX_CANDIDATES_AT_ONCE = 2_000_000


@dataclass(frozen=True, slots=True)
class JobRanking:
    """The top registrants of one job, best first (indices into the RegistrantMatrix)."""

    job_id: int
    job_index: int
    registrant_indices: np.ndarray
    registrant_ids: np.ndarray
    scores: np.ndarray


@dataclass(frozen=True, slots=True)
class RegistrantRanking:
    """The top jobs of one registrant, best first (indices into the JobMatrix)."""

    registrant_id: int
    registrant_index: int
    job_indices: np.ndarray
    job_ids: np.ndarray
    scores: np.ndarray


@dataclass(frozen=True, slots=True)
class _Context:
    R: RegistrantMatrix
    J: JobMatrix
    estimator: CommuteEstimator
    alignment: Alignment
    top_n: int = 0
    duty: DutyFeatures | None = None
    excluded: np.ndarray | None = None


def _context(
    R: RegistrantMatrix,
    J: JobMatrix,
    estimator: CommuteEstimator | None,
    top_n: int = 0,
    duty: DutyFeatures | None = None,
    excluded: np.ndarray | None = None,
) -> _Context:
    return _Context(R, J, estimator or DEFAULT_ESTIMATOR, align(R, J), top_n, duty, excluded)


def _minutes(ctx: _Context, jobs: np.ndarray, registrants: np.ndarray) -> np.ndarray:
    """Commute minutes per cell (NaN where a location is unknown). Locations repeat (postal
    codes resolve to municipality points), so when it is smaller, a table of the distinct
    registrant points × the cells' distinct job points is estimated and looked up."""
    R, J = ctx.R, ctx.J
    origin, destination = R.location_key[registrants], J.location_key[jobs]
    known = (origin >= 0) & (destination >= 0)
    minutes = np.full(registrants.size, np.nan)
    origin, destination = origin[known], destination[known]
    if origin.size == 0:
        return minutes
    # The distinct job points among the cells, without sorting the cells.
    present = np.zeros(J.points.shape[0], dtype=bool)
    present[destination] = True
    job_points = np.flatnonzero(present)
    code = np.cumsum(present) - 1
    destination = code[destination]
    if R.points.shape[0] * job_points.size < origin.size:
        table = ctx.estimator.minutes_pairwise(
            np.repeat(R.points, job_points.size, axis=0),
            np.tile(J.points[job_points], (R.points.shape[0], 1)),
        ).reshape(R.points.shape[0], job_points.size)
        minutes[known] = table[origin, destination]
    else:
        minutes[known] = ctx.estimator.minutes_pairwise(
            R.points[origin], J.points[job_points[destination]]
        )
    return minutes


def _final_scores(
    ctx: _Context, jobs: np.ndarray, registrants: np.ndarray, duty_points: np.ndarray
) -> np.ndarray:
    """Rounded scores of cells: duty/skill points (constants included) plus the four
    condition factors, computed as ``explain`` does."""
    minutes = _minutes(ctx, jobs, registrants)
    pay, commute, contract, start = cell_condition_points(ctx.R, ctx.J, jobs, registrants, minutes)
    return round_score(duty_points + pay + commute + contract + start)


def _score_cells(
    ctx: _Context, positions: np.ndarray, rows: np.ndarray, columns: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For cells (row of the chunk, registrant, duty score): which pass the pair rules, and
    the final scores of those that do."""
    assert ctx.duty is not None
    jobs = ctx.duty.jobs[positions[rows]]
    eligible = ~pair_blocked(ctx.R, ctx.J, ctx.alignment, jobs, columns)
    duty_points = values[eligible] + ctx.duty.constant[positions[rows[eligible]]]
    return eligible, _final_scores(ctx, jobs[eligible], columns[eligible], duty_points)


def _candidate_bound(ctx: _Context, positions: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per row, the duty score below which a cell cannot reach the row's top N: the N-th best
    final score among the eligible seed cells, less the row's constant and the most that the
    condition factors can add."""
    assert ctx.duty is not None
    rows, seeds, columns = seed_cells(scores, ctx.top_n)
    eligible, seed_scores = _score_cells(ctx, positions, rows, columns, scores[rows, columns])
    finals = np.full((positions.size, SEEDS_PER_RANK * ctx.top_n), -np.inf)
    finals[rows[eligible], seeds[eligible]] = seed_scores
    bound = kth_largest(finals, ctx.top_n) - ctx.duty.constant[positions] - CANDIDATE_MARGIN
    return np.maximum(bound, np.finfo(float).min)


def _rank_chunk(
    ctx: _Context, positions: np.ndarray, scores: np.ndarray, candidate: np.ndarray
) -> list[JobRanking]:
    """Rank one chunk of jobs; ``scores`` and ``candidate`` are the worker's reusable buffers
    (fresh 100 MB arrays would cost page faults on every chunk)."""
    R, J, duty = ctx.R, ctx.J, ctx.duty
    assert duty is not None
    width = len(R)
    add_duty_points(duty, positions, scores)
    # Job-wide rules go into the matrix so that the bound sees only allowed registrants; pair
    # rules are checked on the few cells that the bound lets through.
    for row, j in enumerate(duty.jobs[positions]):
        allowed = job_wide_mask(R, J, int(j))
        if allowed is not None:
            scores[row, ~allowed] = -np.inf
    if ctx.excluded is not None:
        scores[:, ctx.excluded] = -np.inf
    bound = _candidate_bound(ctx, positions, scores)
    np.greater_equal(scores, bound[:, None], out=candidate)

    cells = np.flatnonzero(candidate)
    row_starts = np.searchsorted(cells, np.arange(positions.size + 1) * width)
    results: list[JobRanking] = []
    first = 0
    while first < positions.size:
        last = np.searchsorted(row_starts, row_starts[first] + MAX_CANDIDATES_AT_ONCE, "right") - 1
        last = min(max(int(last), first + 1), positions.size)
        batch = cells[row_starts[first] : row_starts[last]]
        rows, columns = np.divmod(batch, width)
        eligible, final = _score_cells(ctx, positions, rows, columns, scores.ravel()[batch])
        results.extend(_rankings(ctx, positions, rows[eligible], columns[eligible], final))
        first = last
    return results


def _rankings(
    ctx: _Context, positions: np.ndarray, rows: np.ndarray, columns: np.ndarray, final: np.ndarray
) -> list[JobRanking]:
    """The best ``top_n`` cells of each chunk row that has any, as rankings."""
    assert ctx.duty is not None
    jobs = ctx.duty.jobs[positions[rows]]
    kept, starts = best_per_row(
        rows, final, tiebreak(ctx.R.ids[columns], ctx.J.ids[jobs]), ctx.top_n
    )
    rankings = []
    for lo, hi in run_bounds(starts, kept.size):
        picked = kept[lo:hi]
        j = int(jobs[picked[0]])
        registrants = columns[picked]
        rankings.append(
            JobRanking(int(ctx.J.ids[j]), j, registrants, ctx.R.ids[registrants], final[picked])
        )
    return rankings


def _worker(ctx: _Context, chunks: queue.SimpleQueue, chunk_size: int) -> list[JobRanking]:
    """Rank chunks until none are left, reusing one pair of buffers."""
    width = len(ctx.R)
    scores = np.empty((chunk_size, width))
    candidate = np.empty((chunk_size, width), dtype=bool)
    results: list[JobRanking] = []
    while True:
        try:
            positions = chunks.get_nowait()
        except queue.Empty:
            return results
        rows = positions.size
        results.extend(_rank_chunk(ctx, positions, scores[:rows], candidate[:rows]))


def rank_registrants_for_jobs(
    R: RegistrantMatrix,
    J: JobMatrix,
    job_indices: np.ndarray | list[int] | None = None,
    top_n: int = 50,
    *,
    today: date,
    estimator: CommuteEstimator | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int | None = None,
    excluded: np.ndarray | None = None,
) -> list[JobRanking]:
    """For each job (all of ``J`` by default), its ``top_n`` eligible registrants, best first,
    leaving out the registrants ``excluded`` marks (rows whose data is stale).

    Jobs nobody may take (prohibited work, past the establishment limit) get an empty ranking.
    Each worker thread holds about ``chunk_size × len(R) × 9`` bytes of buffers."""
    if top_n < 1:
        raise ValueError("top_n must be at least 1")
    jobs = np.arange(len(J)) if job_indices is None else np.asarray(job_indices, dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    found: dict[int, JobRanking] = {}
    if len(R) and jobs.size:
        ctx = _context(R, J, estimator, top_n, duty_features(R, J, jobs, today), excluded)
        chunk_size = min(chunk_size, MAX_ROWS, jobs.size)
        chunks: queue.SimpleQueue = queue.SimpleQueue()
        for lo in range(0, jobs.size, chunk_size):
            chunks.put(np.arange(lo, min(lo + chunk_size, jobs.size)))
        count = min(workers or os.cpu_count() or 1, -(-jobs.size // chunk_size))
        with ThreadPoolExecutor(max_workers=count) as pool:
            runs = [pool.submit(_worker, ctx, chunks, chunk_size) for _ in range(count)]
            found = {r.job_index: r for run in runs for r in run.result()}
    return [
        found.get(int(j)) or JobRanking(int(J.ids[j]), int(j), empty, empty, np.zeros(0))
        for j in jobs
    ]


def rank_jobs_for_registrant(
    R: RegistrantMatrix,
    J: JobMatrix,
    registrant_index: int,
    top_n: int = 50,
    *,
    today: date,
    estimator: CommuteEstimator | None = None,
) -> RegistrantRanking:
    """The ``top_n`` jobs of ``J`` that registrant ``registrant_index`` of ``R`` may take, best
    first. For a changed profile, rank it from a one-row ``RegistrantMatrix.from_profiles``."""
    ctx = _context(R, J, estimator)
    jobs = np.arange(len(J))
    registrants = np.full(len(J), registrant_index)
    points = registrant_duty_points(R.profiles[registrant_index], J, today.year)
    scores = _final_scores(ctx, jobs, registrants, points)
    eligible = job_wide_allowed(R, J, jobs, registrants)
    eligible &= ~pair_blocked(R, J, ctx.alignment, jobs, registrants)
    jobs, scores = jobs[eligible], scores[eligible]
    ties = tiebreak(np.full(jobs.size, R.ids[registrant_index]), J.ids[jobs])
    order = np.lexsort((ties, -scores))[:top_n]
    return RegistrantRanking(
        int(R.ids[registrant_index]),
        registrant_index,
        jobs[order],
        J.ids[jobs[order]],
        scores[order],
    )


def explain_rankings(
    R: RegistrantMatrix,
    J: JobMatrix,
    rankings: list[JobRanking],
    *,
    today: date,
    estimator: CommuteEstimator | None = None,
) -> list[MatchResult]:
    """The breakdown of every ranked pair, for the adapter to store."""
    jobs, registrants, _ = ranked_pairs(rankings)
    return explain_pairs(R, J, jobs, registrants, today=today, estimator=estimator)


def ranked_pairs(rankings: list[JobRanking]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every ranked pair as arrays: (job index, registrant index, score)."""
    sizes = [r.registrant_indices.size for r in rankings]
    return (
        np.repeat(np.array([r.job_index for r in rankings], dtype=np.int64), sizes),
        np.concatenate([np.zeros(0, np.int64), *(r.registrant_indices for r in rankings)]),
        np.concatenate([np.zeros(0), *(r.scores for r in rankings)]),
    )
