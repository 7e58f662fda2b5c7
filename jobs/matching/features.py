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

from .matrices import JobMatrix, RegistrantMatrix, tokens_of
from .scoring import W_PREFERRED, W_RECENCY, W_REQUIRED, W_SKILLS, duty_summary, recency_fit
from .types import RegistrantProfile

_REQUIRED, _PREFERRED, _TOKEN = 0, 1, 2


@dataclass(frozen=True, slots=True)
class DutyFeatures:
    """``weights[k] @ features`` + ``constant[k]`` = duty and skill points of ``jobs[k]``.

    A feature row is not stored as a matrix row: its cells are those of one row of the
    registrants' months (or skills) matrix, so only its values are kept, and a skill row's
    values are all 1. A large agency asks for a few thousand distinct rows of ~20,000 cells:
    copying their indices too would cost a gigabyte."""

    jobs: np.ndarray  # J indices, in the order of the weight rows
    weights: sp.csr_array  # len(jobs) × feature rows
    source: np.ndarray  # per feature row: its row in R.months_by_duty or R.tokens_by_token
    is_token: np.ndarray  # per feature row: a skill or qualification row
    value_starts: np.ndarray  # per duty feature row: where its values start in ``values``
    values: np.ndarray
    constant: np.ndarray  # per job: the points of the factors it asks nothing for
    months: sp.csr_array  # R.months_by_duty (shared, not copied)
    tokens: sp.csr_array  # R.tokens_by_token


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


def _duty_values(
    R: RegistrantMatrix, kind: np.ndarray, minimum: np.ndarray, duty: np.ndarray, year: int
) -> tuple[np.ndarray, np.ndarray]:
    """The values of one feature row per (kind, minimum, duty), concatenated, and where each
    row's values start (plus the end)."""
    months_by_duty = R.months_by_duty
    lo, hi = months_by_duty.indptr[duty], months_by_duty.indptr[duty + 1]
    starts = np.concatenate([[0], np.cumsum(hi - lo)]).astype(np.int64)
    values = np.empty(int(starts[-1]))
    months, recency = months_by_duty.data, R.recency(year)
    for k, (a, b, v) in enumerate(zip(lo.tolist(), hi.tolist(), minimum.tolist(), strict=True)):
        out = values[starts[k] : starts[k + 1]]
        # Only months > 0 are stored, so "done at all" (minimum 0) is 1 for every stored cell.
        cover = np.minimum(months[a:b] / v, 1.0) if v > 0 else np.ones(b - a)
        if kind[k] == _REQUIRED:
            np.add(W_REQUIRED * cover, W_RECENCY * recency[a:b], out=out)
        else:
            np.multiply(W_PREFERRED, cover, out=out)
    return values, starts


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
    duty_keys = keys[~is_token]  # sorted first
    values, value_starts = _duty_values(
        R, duty_keys[:, 0], duty_keys[:, 1], duty_keys[:, 2].astype(np.int64), today.year
    )
    # A job listing the same requirement twice gets its weight twice, as in the mean.
    weights = sp.csr_array((weight, (row, column.ravel())), shape=(jobs.size, keys.shape[0]))
    weights.sum_duplicates()
    return DutyFeatures(
        jobs,
        weights,
        keys[:, 2].astype(np.int64),
        is_token,
        value_starts,
        values,
        constant_points(J, jobs),
        R.months_by_duty,
        R.tokens_by_token,
    )


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
    weights = duty.weights
    duty_indptr, duty_indices = duty.months.indptr, duty.months.indices
    token_indptr, token_indices = duty.tokens.indptr, duty.tokens.indices
    for row, position in enumerate(positions):
        target = out[row]
        for k in range(weights.indptr[position], weights.indptr[position + 1]):
            key, weight = weights.indices[k], weights.data[k]
            source = duty.source[key]
            # A registrant appears once per feature row, so fancy-index += adds each cell once.
            if duty.is_token[key]:
                cells = token_indices[token_indptr[source] : token_indptr[source + 1]]
                target[cells] += weight * 1.0
            else:
                cells = duty_indices[duty_indptr[source] : duty_indptr[source + 1]]
                start, end = duty.value_starts[key], duty.value_starts[key + 1]
                target[cells] += weight * duty.values[start:end]
