"""``explain_pairs`` gives exactly what ``explain`` gives, pair by pair."""

from __future__ import annotations

import numpy as np

from jobs.matching.batch import explain_pairs, score_pairs
from jobs.matching.breakdown import explain
from jobs.matching.matrices import JobMatrix, RegistrantMatrix

from .builders import TODAY, job, profile
from .random_agency import random_agency


def test_explain_pairs_equals_explain_on_every_pair_of_a_random_agency():
    profiles, jobs = random_agency(seed=11, registrants=240, jobs=60)
    R, J = RegistrantMatrix.from_profiles(profiles), JobMatrix.from_jobs(jobs)
    grid_jobs, grid_registrants = np.divmod(np.arange(len(jobs) * len(profiles)), len(profiles))
    got = explain_pairs(R, J, grid_jobs, grid_registrants, today=TODAY)
    expected = [
        explain(profiles[r], jobs[j], TODAY)
        for j, r in zip(grid_jobs, grid_registrants, strict=True)
    ]
    assert got == expected
    # The comparison covers every finding: each caveat and block code occurs.
    codes = {f.code for result in expected for f in (*result.caveats, *result.blocks)}
    assert codes >= {
        "missing_required_duty", "wage_below_desired", "no_transport_allowance",
        "long_commute", "contract_shorter_than_desired", "contract_longer_than_desired",
        "start_before_available", "same_unit_before", "schedule_overlap",
        "individual_limit", "establishment_limit", "former_employee", "day_dispatch",
    }  # fmt: skip


def test_pairs_in_any_order_and_repeated_give_the_same_results():
    profiles, jobs = random_agency(seed=3, registrants=50, jobs=12)
    R, J = RegistrantMatrix.from_profiles(profiles), JobMatrix.from_jobs(jobs)
    rng = np.random.default_rng(5)
    pairs_jobs = rng.integers(0, len(jobs), 400)
    pairs_registrants = rng.integers(0, len(profiles), 400)
    got = explain_pairs(R, J, pairs_jobs, pairs_registrants, today=TODAY)
    assert got == [
        explain(profiles[r], jobs[j], TODAY)
        for j, r in zip(pairs_jobs.tolist(), pairs_registrants.tolist(), strict=True)
    ]


def test_a_flagged_requirement_is_a_caveat_of_every_pair():
    flagged = job(flagged_phrases=("20代",))
    R, J = (
        RegistrantMatrix.from_profiles([profile(), profile(id=2)]),
        JobMatrix.from_jobs([flagged]),
    )
    results = explain_pairs(R, J, [0, 0], [0, 1], today=TODAY)
    assert [
        [f.to_dict() for f in r.caveats if f.code == "flagged_requirement"] for r in results
    ] == [[{"code": "flagged_requirement", "params": {"phrases": ["20代"]}}]] * 2


def test_no_pairs_give_no_results():
    R, J = RegistrantMatrix.from_profiles([profile()]), JobMatrix.from_jobs([job()])
    assert explain_pairs(R, J, [], [], today=TODAY) == []
    assert score_pairs(R, J, [], [], today=TODAY).scores.size == 0


def test_a_matrix_from_profiles_without_experience_plus_columns_is_the_same_matrix():
    from dataclasses import replace

    from jobs.matching.experience import ExperienceColumns

    profiles, jobs = random_agency(seed=5, registrants=120, jobs=30)
    bases = [replace(p, experience=()) for p in profiles]
    whole = RegistrantMatrix.from_profiles(profiles)
    split = RegistrantMatrix.from_profiles(bases, ExperienceColumns.of_profiles(profiles))
    J = JobMatrix.from_jobs(jobs)

    assert list(split.profiles) == profiles  # each completed from the columns when read
    assert split.duty_codes == whole.duty_codes
    assert (split.months_by_duty != whole.months_by_duty).nnz == 0
    assert np.array_equal(split.last_year_by_duty, whole.last_year_by_duty, equal_nan=True)
    grid_jobs, grid_registrants = np.divmod(np.arange(len(jobs) * len(profiles)), len(profiles))
    assert explain_pairs(split, J, grid_jobs, grid_registrants, today=TODAY) == explain_pairs(
        whole, J, grid_jobs, grid_registrants, today=TODAY
    )
