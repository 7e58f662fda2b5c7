"""The duty and skill factors of many pairs as one sparse product.

``min(months / minimum, 1)`` is not linear in months, but it is for a fixed minimum ``v``. So
each distinct (kind, v, duty) that the ranked jobs ask for becomes one row of a *feature
matrix* (rows × registrants) holding ``50·min(m/v, 1) + 5·recency`` for a required duty or
``10·min(m/v, 1)`` for a preferred one, and each skill or qualification one row of 1s. A job
is a sparse row of weights over those rows (1 / its number of requirements, 10 / its number of
skills), so ``weights @ features`` gives the required-duty, preferred-duty, skills and recency
points of every registrant at once. Only the rows a job uses are touched: the cost is that of
multiplying the months matrix by the requirement matrix. ``add_duty_points`` computes that
product straight into a dense buffer, which costs less than half of scipy's sparse × sparse
product followed by ``toarray`` (that one builds a sparse result first).

The same points for one registrant against every job (``registrant_duty_points``) need no
matrix product at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp

from .matrices import JobMatrix, RegistrantMatrix, run_bounds, tokens_of
from .scoring import W_PREFERRED, W_RECENCY, W_REQUIRED, W_SKILLS, duty_summary, recency_fit
from .types import RegistrantProfile

_REQUIRED, _PREFERRED, _TOKEN = 0, 1, 2


@dataclass(frozen=True, slots=True)
class DutyFeatures:
    """``weights[k] @ features`` + ``constant[k]`` = duty and skill points of ``jobs[k]``."""

    jobs: np.ndarray  # J indices, in the order of the weight rows
    weights: sp.csr_array  # len(jobs) × feature rows
    features: sp.csr_array  # feature rows × registrants
    constant: np.ndarray  # per job: the points of the factors it asks nothing for


def map_codes(codes: tuple[str, ...], index: dict[str, int]) -> np.ndarray:
    """Positions of ``codes`` in another vocabulary; -1 where missing."""
    return np.array([index.get(code, -1) for code in codes], dtype=np.int64)


def constant_points(J: JobMatrix, jobs: np.ndarray) -> np.ndarray:
    """Full points for each factor a job asks nothing for: nothing asked, nothing missed."""
    return (
        (W_REQUIRED + W_RECENCY) * (J.required.count[jobs] == 0)
        + W_PREFERRED * (J.preferred.count[jobs] == 0)
        + W_SKILLS * (J.token_count[jobs] == 0)
    )


def _slices(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    # Each feature row copies a whole row of the source matrix: slicing is cheaper than
    # building an index array of every cell.
    return np.concatenate([values[a:b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True)])


def _duty_rows(
    R: RegistrantMatrix, kind: np.ndarray, minimum: np.ndarray, duty: np.ndarray, year: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR parts (data, indices, row lengths) of one feature row per (kind, minimum, duty);
    the keys come sorted, so each (kind, minimum) group is one slice of the cells."""
    if duty.size == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
    months_by_duty = R.months_by_duty
    lo, hi = months_by_duty.indptr[duty], months_by_duty.indptr[duty + 1]
    months = _slices(months_by_duty.data, lo, hi)
    recency = _slices(R.recency(year), lo, hi)
    data = np.empty(months.size)
    bounds = np.concatenate([[0], np.cumsum(hi - lo)])
    changes = (np.diff(kind, prepend=-1) != 0) | (np.diff(minimum, prepend=-1) != 0)
    for first, last in run_bounds(np.flatnonzero(changes), kind.size):
        cut = slice(bounds[first], bounds[last])
        v = minimum[first]
        # Only months > 0 are stored, so "done at all" (minimum 0) is 1 for every stored cell.
        cover = np.minimum(months[cut] / v, 1.0) if v > 0 else np.ones(cut.stop - cut.start)
        if kind[first] == _REQUIRED:
            data[cut] = W_REQUIRED * cover + W_RECENCY * recency[cut]
        else:
            data[cut] = W_PREFERRED * cover
    return data, _slices(months_by_duty.indices, lo, hi), hi - lo


def _token_rows(
    R: RegistrantMatrix, token: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if token.size == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
    tokens = R.tokens_by_token
    lo, hi = tokens.indptr[token], tokens.indptr[token + 1]
    return _slices(tokens.data, lo, hi), _slices(tokens.indices, lo, hi), hi - lo


def _weight_entries(R: RegistrantMatrix, J: JobMatrix, jobs: np.ndarray) -> tuple[np.ndarray, ...]:
    """(row, kind, minimum, source row in R, weight) of every requirement and skill of
    ``jobs``; requirements no registrant has are left out (they still count in the mean)."""
    position = np.full(len(J), -1, dtype=np.int64)
    position[jobs] = np.arange(jobs.size)
    duty_map = map_codes(J.duty_codes, R.duty_index)
    entries = []
    for kind, req in ((_REQUIRED, J.required), (_PREFERRED, J.preferred)):
        row, source = position[req.job], duty_map[req.duty]
        keep = (row >= 0) & (source >= 0)
        weight = 1.0 / req.count[req.job[keep]]
        kinds = np.full(keep.sum(), kind)
        entries.append((row[keep], kinds, req.min_months[keep], source[keep], weight))
    row, source = position[J.token_job], map_codes(J.token_codes, R.token_index)[J.token]
    keep = (row >= 0) & (source >= 0)
    weight = W_SKILLS / J.token_count[J.token_job[keep]]
    kinds, zeros = np.full(keep.sum(), _TOKEN), np.zeros(keep.sum())
    entries.append((row[keep], kinds, zeros, source[keep], weight))
    return tuple(np.concatenate(parts) for parts in zip(*entries, strict=True))


def duty_features(R: RegistrantMatrix, J: JobMatrix, jobs: np.ndarray, today: date) -> DutyFeatures:
    """The feature rows and job weights for ranking ``jobs`` of ``J`` against ``R``."""
    row, kind, minimum, source, weight = _weight_entries(R, J, jobs)
    # Unique keys come sorted: duty rows (kinds 0 and 1) first, then token rows (kind 2).
    keys, column = np.unique(
        np.column_stack([kind, minimum, source]).reshape(-1, 3), axis=0, return_inverse=True
    )
    is_token = keys[:, 0] == _TOKEN
    duty_keys, token_keys = keys[~is_token], keys[is_token]
    parts = [
        _duty_rows(
            R, duty_keys[:, 0], duty_keys[:, 1], duty_keys[:, 2].astype(np.int64), today.year
        ),
        _token_rows(R, token_keys[:, 2].astype(np.int64)),
    ]
    data, indices, lengths = (np.concatenate(p) for p in zip(*parts, strict=True))
    features = sp.csr_array(
        (data, indices.astype(np.int32), np.concatenate([[0], np.cumsum(lengths)])),
        shape=(keys.shape[0], len(R)),
    )
    # A job listing the same requirement twice gets its weight twice, as in the mean.
    weights = sp.csr_array((weight, (row, column.ravel())), shape=(jobs.size, keys.shape[0]))
    weights.sum_duplicates()
    return DutyFeatures(jobs, weights, features, constant_points(J, jobs))


def registrant_duty_points(profile: RegistrantProfile, J: JobMatrix, year: int) -> np.ndarray:
    """Duty, skill and recency points (constants included) of one registrant for every job."""
    summary = duty_summary(profile.experience)
    months = np.array([summary.get(code, (0.0, np.nan))[0] for code in J.duty_codes])
    last_year = np.array([summary.get(code, (0.0, np.nan))[1] for code in J.duty_codes])
    points = constant_points(J, np.arange(len(J)))
    for req, is_required in ((J.required, True), (J.preferred, False)):
        m, v = months[req.duty], req.min_months
        cover = np.where(v > 0, np.minimum(m / np.where(v > 0, v, 1.0), 1.0), m > 0)
        if is_required:
            recency = np.where(m > 0, recency_fit(last_year[req.duty], year), 0.0)
            value = W_REQUIRED * cover + W_RECENCY * recency
        else:
            value = W_PREFERRED * cover
        points += np.bincount(req.job, value / req.count[req.job], minlength=len(J))
    if J.token.size:
        held = set(tokens_of(profile))
        has = np.array([token in held for token in J.token_codes], dtype=float)
        points += np.bincount(
            J.token_job, has[J.token] * W_SKILLS / J.token_count[J.token_job], minlength=len(J)
        )
    return points


def add_duty_points(duty: DutyFeatures, positions: np.ndarray, out: np.ndarray) -> None:
    """``out[r] = (weights @ features)[positions[r]]``: the duty and skill points (without the
    constant) of the job at ``positions[r]`` for every registrant."""
    out.fill(0.0)
    weights, features = duty.weights, duty.features
    for row, position in enumerate(positions):
        target = out[row]
        for k in range(weights.indptr[position], weights.indptr[position + 1]):
            key = weights.indices[k]
            lo, hi = features.indptr[key], features.indptr[key + 1]
            # A registrant appears once per feature row, so fancy-index += adds each cell once.
            target[features.indices[lo:hi]] += weights.data[k] * features.data[lo:hi]
