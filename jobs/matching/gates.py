"""The law's blocks for many pairs at once: vectorized twins of :mod:`jobs.matching.law`.

Job-wide rules (prohibited work, establishment limit, day dispatch, a job longer than the
individual limit) give one registrant mask per affected job. Pair rules (individual limit,
former employee, schedule overlap) are checked per cell — a (job, registrant) pair — and cost
one binary search unless the registrant has history at that unit or employer, so the ranking
only pays for the cells it looks at. ``tests/matching`` checks both against ``law`` on random
data through the ranking.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import law
from .matrices import BusyPeriods, JobMatrix, RegistrantMatrix, concat_ranges


@dataclass(frozen=True, slots=True)
class Alignment:
    """Each job's unit and corporation as codes of the registrants' history (-1: none)."""

    unit: np.ndarray
    corporation: np.ndarray


def align(R: RegistrantMatrix, J: JobMatrix) -> Alignment:
    units = R.history.units
    code = np.searchsorted(units, J.unit)
    known = code < units.size
    known[known] = units[code[known]] == J.unit[known]
    corporation = [R.corporation_index.get(number, -1) for number in J.corporate_numbers]
    return Alignment(np.where(known, code, -1), np.array(corporation, dtype=np.int64))


def job_wide_mask(R: RegistrantMatrix, J: JobMatrix, j: int) -> np.ndarray | None:
    """Registrants the job-wide rules allow for job ``j``; None when they allow everyone."""
    if J.blocked[j]:
        return np.zeros(len(R), dtype=bool)
    limited = J.over_limit[j] and not J.limit_exempt[j]
    if not (J.day_dispatch[j] or limited):
        return None
    sixty_plus = R.sixty <= J.start[j]
    mask = np.ones(len(R), dtype=bool)
    if J.day_dispatch[j]:
        mask &= R.declared_day_exempt | sixty_plus
    if limited:
        mask &= R.indefinite | sixty_plus
    return mask


def job_wide_allowed(
    R: RegistrantMatrix, J: JobMatrix, jobs: np.ndarray, registrants: np.ndarray
) -> np.ndarray:
    """``job_wide_mask`` per cell."""
    sixty_plus = R.sixty[registrants] <= J.start[jobs]
    allowed = ~J.blocked[jobs]
    allowed &= ~J.day_dispatch[jobs] | R.declared_day_exempt[registrants] | sixty_plus
    limited = J.over_limit[jobs] & ~J.limit_exempt[jobs]
    allowed &= ~limited | R.indefinite[registrants] | sixty_plus
    return allowed


def pair_keys(codes: np.ndarray, registrants: np.ndarray, width: int) -> np.ndarray:
    """Keys ``registrant × width + code`` of the history tables; -1 where the code is -1."""
    return np.where(codes >= 0, registrants * width + codes, -1)


def find(sorted_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cells whose key is in ``sorted_keys`` (keys < 0 never are), and its position there."""
    position = np.searchsorted(sorted_keys, keys)
    found = (keys >= 0) & (position < sorted_keys.size)
    found[found] = sorted_keys[position[found]] == keys[found]
    cells = np.flatnonzero(found)
    return cells, position[cells]


def _individual_limit(
    R: RegistrantMatrix, J: JobMatrix, a: Alignment, jobs: np.ndarray, registrants: np.ndarray
) -> np.ndarray:
    """Cells whose job continues an earlier chain at its unit and reaches the conflict date.
    (A job that starts a fresh chain is covered by ``over_limit`` in the job-wide rules.)"""
    h = R.history
    unit = np.where(J.limit_exempt[jobs], -1, a.unit[jobs])
    keys = pair_keys(unit, registrants, h.units.size)
    cells, pair = find(h.pair_keys, keys)
    rows, owner = concat_ranges(h.pair_starts[pair], h.pair_starts[pair + 1])
    cell = cells[owner]
    before = h.start[rows] < J.start[jobs[cell]]
    rows, cell = rows[before], cell[before]
    # A pair's rows are sorted by start: the last one before the job carries the chain state.
    last = np.ones(rows.size, dtype=bool)
    last[:-1] = cell[1:] != cell[:-1]
    rows, cell = rows[last], cell[last]
    job, registrant = jobs[cell], registrants[cell]

    exempt = R.indefinite[registrant] | (R.sixty[registrant] <= J.start[job])
    chained = J.start[job] <= h.chain_continues_until[rows]
    open_ended_blocks = law.INDIVIDUAL_LIMIT.open_ended_chained_blocks
    reaches = np.where(J.has_end[job], J.end[job] >= h.conflict[rows], open_ended_blocks)
    blocked = np.zeros(jobs.size, dtype=bool)
    blocked[cell[~exempt & chained & reaches]] = True
    return blocked


def _former_employee(
    R: RegistrantMatrix, J: JobMatrix, a: Alignment, jobs: np.ndarray, registrants: np.ndarray
) -> np.ndarray:
    e = R.employment
    corporation = a.corporation[jobs]
    keys = pair_keys(corporation, registrants, len(R.corporation_index))
    cells, pair = find(e.pair_keys, keys)
    blocked = np.zeros(jobs.size, dtype=bool)
    blocked[cells[J.start[jobs[cells]] <= e.last_blocked_start[pair]]] = True
    return blocked


def overlaps(b: BusyPeriods, J: JobMatrix, jobs: np.ndarray, registrants: np.ndarray) -> np.ndarray:
    """Which cells have an assignment in ``b`` whose dates touch the job's period."""
    cells = np.flatnonzero(b.until[registrants] >= J.start[jobs])
    rows, owner = concat_ranges(b.indptr[registrants[cells]], b.indptr[registrants[cells] + 1])
    job = jobs[cells[owner]]
    hit = (b.end[rows] >= J.start[job]) & (b.start[rows] <= J.end[job])
    blocked = np.zeros(jobs.size, dtype=bool)
    blocked[cells[owner[hit]]] = True
    return blocked


def pair_blocked(
    R: RegistrantMatrix,
    J: JobMatrix,
    alignment: Alignment,
    jobs: np.ndarray,
    registrants: np.ndarray,
) -> np.ndarray:
    """Which cells (``jobs[k]``, ``registrants[k]``) a pair rule blocks."""
    return (
        _individual_limit(R, J, alignment, jobs, registrants)
        | _former_employee(R, J, alignment, jobs, registrants)
        | overlaps(R.busy, J, jobs, registrants)
    )
