"""The vectorized ranking returns exactly what ``explain`` says, pair by pair."""

from __future__ import annotations

import numpy as np
import pytest

from jobs.matching import engine, topn
from jobs.matching.breakdown import explain
from jobs.matching.engine import (
    explain_rankings,
    rank_jobs_for_registrant,
    rank_registrants_for_jobs,
)
from jobs.matching.matrices import JobMatrix, RegistrantMatrix
from jobs.matching.topn import tiebreak

from .builders import TODAY, job, profile
from .random_agency import random_agency


def _expected_top(results, top_n):
    """The top ``top_n`` eligible results by (score desc, tiebreak), from explain."""
    eligible = [r for r in results if r.eligible]
    ties = tiebreak(
        np.array([r.registrant_id for r in eligible]), np.array([r.job_id for r in eligible])
    )
    order = sorted(range(len(eligible)), key=lambda k: (-eligible[k].score, ties[k]))
    return [(eligible[k].registrant_id, eligible[k].score) for k in order[:top_n]]


@pytest.fixture(scope="module")
def agency():
    profiles, jobs = random_agency(seed=7, registrants=260, jobs=70)
    R, J = RegistrantMatrix.from_profiles(profiles), JobMatrix.from_jobs(jobs)
    explained = {
        j.id: [explain(p, j, TODAY) for p in profiles] for j in jobs
    }  # every pair, the reference
    return profiles, jobs, R, J, explained


@pytest.mark.parametrize(("block", "batch"), [(64, 2_000_000), (4, 2_000_000), (4, 50)])
@pytest.mark.parametrize("top_n", [3, 12, 10_000])
def test_rank_registrants_for_jobs_equals_explain_on_random_data(
    agency, top_n, block, batch, monkeypatch
):
    # Small blocks make the candidate bound prune hard even on a small agency; small batches
    # split the candidates of a chunk.
    monkeypatch.setattr(topn, "BLOCK", block)
    monkeypatch.setattr(engine, "MAX_CANDIDATES_AT_ONCE", batch)
    profiles, jobs, R, J, explained = agency
    rankings = rank_registrants_for_jobs(R, J, top_n=top_n, today=TODAY, chunk_size=9, workers=2)
    assert [r.job_id for r in rankings] == [j.id for j in jobs]
    checked = 0
    for ranking in rankings:
        got = list(zip(ranking.registrant_ids.tolist(), ranking.scores.tolist(), strict=True))
        assert got == _expected_top(explained[ranking.job_id], top_n), ranking.job_id
        checked += len(got)
    # The random agency really exercises the comparison: most jobs have candidates.
    assert checked >= min(top_n, 20) * len(jobs) // 2


def test_all_pairs_scores_and_eligibility_match_explain(agency):
    profiles, jobs, R, J, explained = agency
    rankings = rank_registrants_for_jobs(R, J, top_n=len(profiles), today=TODAY, workers=1)
    blocked = 0
    for ranking in rankings:
        reference = {r.registrant_id: r for r in explained[ranking.job_id]}
        got = dict(zip(ranking.registrant_ids.tolist(), ranking.scores.tolist(), strict=True))
        assert set(got) == {rid for rid, r in reference.items() if r.eligible}
        assert all(got[rid] == reference[rid].score for rid in got)
        blocked += sum(not r.eligible for r in reference.values())
    assert blocked > 500  # every gate fires somewhere in the random agency


def test_rank_jobs_for_registrant_equals_explain_on_random_data(agency):
    profiles, jobs, R, J, explained = agency
    for index in range(0, len(profiles), 7):
        ranking = rank_jobs_for_registrant(R, J, index, top_n=15, today=TODAY)
        results = [
            next(r for r in explained[j.id] if r.registrant_id == profiles[index].id) for j in jobs
        ]
        eligible = [r for r in results if r.eligible]
        ties = tiebreak(
            np.array([profiles[index].id] * len(eligible), dtype=np.int64),
            np.array([r.job_id for r in eligible], dtype=np.int64),
        )
        order = sorted(range(len(eligible)), key=lambda k: (-eligible[k].score, ties[k]))
        expected = [(eligible[k].job_id, eligible[k].score) for k in order[:15]]
        assert list(zip(ranking.job_ids.tolist(), ranking.scores.tolist(), strict=True)) == expected


def test_a_changed_registrant_ranks_from_a_one_row_matrix(agency):
    profiles, jobs, R, J, _ = agency
    alone = RegistrantMatrix.from_profiles([profiles[3]])
    in_full = rank_jobs_for_registrant(R, J, 3, today=TODAY)
    on_its_own = rank_jobs_for_registrant(alone, J, 0, today=TODAY)
    assert on_its_own.job_ids.tolist() == in_full.job_ids.tolist()
    assert on_its_own.scores.tolist() == in_full.scores.tolist()


def test_a_new_job_ranks_from_a_one_row_matrix(agency):
    profiles, jobs, R, J, _ = agency
    new = JobMatrix.from_jobs([jobs[5]])
    [alone] = rank_registrants_for_jobs(R, new, today=TODAY)
    [among_all] = rank_registrants_for_jobs(R, J, [5], today=TODAY)
    assert alone.registrant_ids.tolist() == among_all.registrant_ids.tolist()
    assert alone.scores.tolist() == among_all.scores.tolist()


def test_explain_rankings_gives_the_ranked_scores(agency):
    profiles, jobs, R, J, _ = agency
    rankings = rank_registrants_for_jobs(R, J, [0, 1, 2], top_n=5, today=TODAY)
    results = explain_rankings(R, J, rankings, today=TODAY)
    assert [r.score for r in results] == [s for r in rankings for s in r.scores.tolist()]
    assert all(r.eligible for r in results)


def test_prohibited_work_job_gets_an_empty_ranking():
    R = RegistrantMatrix.from_profiles([profile()])
    J = JobMatrix.from_jobs([job(prohibited_work=True), job(id=101)])
    banned, fine = rank_registrants_for_jobs(R, J, today=TODAY)
    assert banned.registrant_ids.size == 0
    assert fine.registrant_ids.tolist() == [1]


def test_ranking_without_registrants_or_jobs_is_empty():
    R = RegistrantMatrix.from_profiles([])
    J = JobMatrix.from_jobs([job()])
    [ranking] = rank_registrants_for_jobs(R, J, today=TODAY)
    assert ranking.registrant_ids.size == 0
    assert rank_registrants_for_jobs(RegistrantMatrix.from_profiles([profile()]),
                                     JobMatrix.from_jobs([]), today=TODAY) == []  # fmt: skip


def test_equal_scores_are_ordered_by_a_hash_not_by_id():
    # Identical registrants: the order must not simply follow registration (id) order.
    R = RegistrantMatrix.from_profiles([profile(id=i) for i in range(1, 41)])
    J = JobMatrix.from_jobs([job()])
    [ranking] = rank_registrants_for_jobs(R, J, top_n=40, today=TODAY)
    assert len(set(ranking.scores.tolist())) == 1
    assert ranking.registrant_ids.tolist() != sorted(ranking.registrant_ids.tolist())


def test_worker_count_does_not_change_the_ranking(agency):
    _, _, R, J, _ = agency
    one = rank_registrants_for_jobs(R, J, top_n=8, today=TODAY, chunk_size=5, workers=1)
    two = rank_registrants_for_jobs(R, J, top_n=8, today=TODAY, chunk_size=5, workers=2)
    assert [r.registrant_ids.tolist() for r in one] == [r.registrant_ids.tolist() for r in two]


def test_top_n_must_be_positive(agency):
    _, _, R, J, _ = agency
    with pytest.raises(ValueError):
        rank_registrants_for_jobs(R, J, top_n=0, today=TODAY)
