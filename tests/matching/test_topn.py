"""The helpers that find each row's top N without scoring every cell."""

import numpy as np

from jobs.matching import topn


def test_kth_largest_per_row_and_minus_infinity_when_too_few():
    values = np.array([[5.0, 1.0, 3.0, 4.0], [0.0, -1.0, 2.0, 9.0]])
    assert topn.kth_largest(values, 2).tolist() == [4.0, 2.0]
    assert topn.kth_largest(values, 5).tolist() == [-np.inf, -np.inf]


def test_block_maxima_cover_a_short_last_block():
    scores = np.arange(2 * 150, dtype=float).reshape(2, 150)
    maxima = topn.block_maxima(scores)
    assert maxima.shape == (2, 3)
    assert maxima[0].tolist() == [63.0, 127.0, 149.0]


def test_seed_cells_are_the_maxima_of_the_best_blocks():
    rng = np.random.default_rng(1)
    scores = rng.random((3, 1000))
    scores[1, 10:] = -np.inf  # a row with a single allowed block
    rows, seeds, columns = topn.seed_cells(scores, top_n=2)
    best_block_max = scores[0].reshape(-1)[:960].reshape(-1, 64).max(axis=1).max()
    assert scores[0, columns[rows == 0]].max() == max(best_block_max, scores[0, 960:].max())
    assert columns[rows == 1].tolist() == [int(np.argmax(scores[1]))]
    assert len(set(zip(rows.tolist(), seeds.tolist(), strict=True))) == rows.size


def test_best_per_row_orders_by_score_then_tiebreak():
    rows = np.array([0, 0, 0, 1, 1])
    scores = np.array([70.0, 80.5, 80.5, 10.0, 20.0])
    ties = np.array([5, 9, 2, 1, 1], dtype=np.uint64)
    kept, starts = topn.best_per_row(rows, scores, ties, top_n=2)
    assert kept.tolist() == [2, 1, 4, 3]
    assert starts.tolist() == [0, 2]


def test_tiebreak_is_deterministic_and_not_the_id_order():
    ids = np.arange(1, 101)
    ties = topn.tiebreak(ids, np.full(100, 7))
    assert np.array_equal(ties, topn.tiebreak(ids, np.full(100, 7)))
    assert not np.array_equal(np.argsort(ties), np.arange(100))
    assert ties.max() < 2**topn.TIEBREAK_BITS
