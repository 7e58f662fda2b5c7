"""Finding each row's top N in a dense chunk of duty scores without scoring every cell fully.

A cell's final score is its duty points + the row's constant + the four condition factors,
which add at most ``CONDITION_POINTS``. So once a lower bound of a row's N-th best final score
is known, every cell more than ``CONDITION_POINTS`` below it is out. The bound comes from a few
*seed* cells — the maxima of the row's best blocks of ``BLOCK`` cells — scored exactly: the
N-th best of their final scores. Typically a few hundred of 100,000 cells per row remain.

Ties are broken by a hash of (registrant id, job id): neither registration date nor id order
decides who is shown first (DOMAIN.md: "New registrants first?").
"""

from __future__ import annotations

import numpy as np

from .scoring import CONDITION_POINTS

BLOCK = 64
# Seed cells per ranked place: enough that the N-th best seed is close to the true N-th best.
SEEDS_PER_RANK = 2
# Cells within this many points of a bound stay candidates: the condition factors' maximum plus
# room for the rounding to one decimal.
CANDIDATE_MARGIN = CONDITION_POINTS + 0.2
# A sort key packs the row (13 bits), the score in tenths (10 bits) and the tiebreak.
TIEBREAK_BITS = 41
MAX_ROWS = 1 << 13


def tiebreak(registrant_ids: np.ndarray, job_ids: np.ndarray) -> np.ndarray:
    """A fixed pseudo-random order among equal scores: TIEBREAK_BITS of a splitmix64-style
    hash of the two ids."""
    x = registrant_ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    x ^= job_ids.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    x ^= x >> np.uint64(31)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(29)
    return x >> np.uint64(64 - TIEBREAK_BITS)


def kth_largest(values: np.ndarray, k: int) -> np.ndarray:
    """Per row, the k-th largest value; -inf where a row has fewer than k values."""
    rows, columns = values.shape
    if columns < k:
        return np.full(rows, -np.inf)
    return np.partition(values, columns - k, axis=1)[:, columns - k]


def block_maxima(scores: np.ndarray) -> np.ndarray:
    """Per row, the maximum of each block of BLOCK cells (the last block may be shorter)."""
    rows, columns = scores.shape
    full = columns - columns % BLOCK
    maxima = scores[:, :full].reshape(rows, -1, BLOCK).max(axis=2)
    if full < columns:
        maxima = np.concatenate([maxima, scores[:, full:].max(axis=1, keepdims=True)], axis=1)
    return maxima


def _block_cells(
    scores: np.ndarray, rows: np.ndarray, blocks: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The cells of the given blocks: ``(columns, values)``, each ``(len(rows), BLOCK)``;
    cells past the last column (in a short last block) hold -inf."""
    width = scores.shape[1]
    full = width // BLOCK
    values = np.full((rows.size, BLOCK), -np.inf)
    whole = blocks < full
    # Whole blocks are rows of a (rows, blocks, BLOCK) view: one contiguous copy each.
    as_blocks = scores[:, : full * BLOCK].reshape(scores.shape[0], full, BLOCK)
    values[whole] = as_blocks[rows[whole], blocks[whole]]
    tail = ~whole
    values[tail, : width - full * BLOCK] = scores[rows[tail], full * BLOCK :]
    return blocks[:, None] * BLOCK + np.arange(BLOCK), values


def seed_cells(scores: np.ndarray, top_n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, seeds, columns)``: for each row, the maximum cell of each of its best
    ``SEEDS_PER_RANK × top_n`` blocks (``seeds`` numbers them within the row)."""
    maxima = block_maxima(scores)
    count = min(maxima.shape[1], SEEDS_PER_RANK * top_n)
    pick = np.argpartition(maxima, maxima.shape[1] - count, axis=1)[:, maxima.shape[1] - count :]
    rows, seeds = np.nonzero(np.isfinite(np.take_along_axis(maxima, pick, axis=1)))
    columns, values = _block_cells(scores, rows, pick[rows, seeds])
    return rows, seeds, columns[np.arange(rows.size), values.argmax(axis=1)]


def order_key(rows: np.ndarray, scores: np.ndarray, ties: np.ndarray) -> np.ndarray:
    """One sortable uint64 per cell: row ascending, score descending, tiebreak ascending."""
    tenths = np.rint(scores * 10).astype(np.uint64)  # scores are already rounded to 0.1
    return (
        (rows.astype(np.uint64) << np.uint64(TIEBREAK_BITS + 10))
        | ((np.uint64(1000) - tenths) << np.uint64(TIEBREAK_BITS))
        | ties
    )


def best_per_row(
    rows: np.ndarray, scores: np.ndarray, ties: np.ndarray, top_n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices into the cells of the best ``top_n`` of each row, best first, and where each
    row's run starts in them. ``rows`` must be below MAX_ROWS."""
    order = np.argsort(order_key(rows, scores, ties), kind="stable")
    sorted_rows = rows[order]
    rank = np.arange(order.size) - np.searchsorted(sorted_rows, sorted_rows, side="left")
    kept = order[rank < top_n]
    return kept, np.flatnonzero(np.diff(rows[kept], prepend=-1))
