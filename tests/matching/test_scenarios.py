"""The registrant's experiences in DOMAIN.md, replayed against the engine."""

from datetime import date

from jobs.matching.breakdown import explain
from jobs.matching.engine import rank_registrants_for_jobs
from jobs.matching.matrices import JobMatrix, RegistrantMatrix
from jobs.matching.types import Experience, PastAssignment, Requirement

from .builders import ODAWARA, TODAY, codes, finding, job, profile


def test_same_workplace_ten_months_later_shows_the_history_and_the_conflict_date():
    left = PastAssignment(10, 5, "1010001000001", date(2024, 8, 1), date(2025, 7, 31))
    proposal = job(start=date(2026, 6, 1), end=date(2026, 11, 30))  # ten months after leaving
    result = explain(profile(assignments=(left,)), proposal, TODAY)
    assert result.eligible
    assert finding(result.caveats, "same_unit_before").params == {
        "earlier": [["2024-08-01", "2025-07-31"]],
        "conflict_date": "2029-06-01",  # the cooling gap reset the count
        "chained": False,
    }


def test_same_workplace_after_a_short_gap_continues_the_count_and_may_block():
    left = PastAssignment(10, 5, "1010001000001", date(2023, 8, 1), date(2026, 3, 31))
    proposal = job(start=date(2026, 6, 1), end=date(2026, 11, 30))
    result = explain(profile(assignments=(left,)), proposal, TODAY)
    assert not result.eligible
    assert finding(result.blocks, "individual_limit").params["conflict_date"] == "2026-08-01"


def test_long_then_short_shows_the_mismatch_and_ranks_lower():
    after_ten_months = profile(contract_months_min=6, contract_months_max=12)
    short = job(id=1, start=date(2026, 6, 1), end=date(2026, 7, 31))
    long = job(id=2, start=date(2026, 6, 1), end=date(2027, 3, 31))
    short_result = explain(after_ten_months, short, TODAY)
    assert finding(short_result.caveats, "contract_shorter_than_desired").params == {
        "months": 2.0,
        "min": 6,
    }
    assert short_result.score < explain(after_ten_months, long, TODAY).score


def test_same_industry_other_duties_ranks_below_the_required_duties_from_another_industry():
    guarantee_company = job(
        required=(Requirement("guarantee_screening", 12), Requirement("collections_calls", 6)),
        preferred=(),
        duty_category="finance_office",
    )
    housing_veteran = profile(  # years at a housing company: same "industry", other duties
        id=1,
        experience=(
            Experience("rental_contracts", 48, 2025),
            Experience("property_viewing", 36, 2025),
        ),
        duty_categories=frozenset({"finance_office"}),
    )
    bank_clerk = profile(  # another industry, but the very duties
        id=2,
        experience=(
            Experience("guarantee_screening", 14, 2024),
            Experience("collections_calls", 8, 2023),
        ),
        duty_categories=frozenset({"general_office"}),
    )
    assert (
        explain(bank_clerk, guarantee_company, TODAY).score
        > explain(housing_veteran, guarantee_company, TODAY).score + 40
    )
    R = RegistrantMatrix.from_profiles([housing_veteran, bank_clerk])
    [ranking] = rank_registrants_for_jobs(R, JobMatrix.from_jobs([guarantee_company]), today=TODAY)
    assert ranking.registrant_ids.tolist() == [2, 1]


def test_far_site_without_transport_allowance_shows_both_catches():
    far = profile(location=ODAWARA, max_commute_minutes=60, transport_allowance_required=True)
    result = explain(far, job(transport_allowance="none"), TODAY)
    assert {"long_commute", "no_transport_allowance"} <= set(codes(result.caveats))
    assert finding(result.caveats, "long_commute").params["minutes"] > 60
    assert result.factors["commute"] < 7 and result.factors["pay"] == 5.0


def test_age_is_not_a_matching_criterion():
    born = [date(2003, 1, 1), date(1980, 7, 7), date(1966, 12, 31), date(1960, 1, 1), None]
    people = [profile(id=i, birth_date=b) for i, b in enumerate(born)]
    results = [explain(p, job(), TODAY) for p in people]
    assert len({r.score for r in results}) == 1
    assert all(r.factors == results[0].factors for r in results)
    R = RegistrantMatrix.from_profiles(people)
    [ranking] = rank_registrants_for_jobs(R, JobMatrix.from_jobs([job()]), today=TODAY)
    assert set(ranking.scores.tolist()) == {results[0].score}


def test_overlap_with_the_current_assignment_is_detected():
    current = PastAssignment(77, 7, "3030001000003", date(2025, 12, 1), date(2026, 6, 1))
    result = explain(profile(assignments=(current,)), job(start=date(2026, 6, 1)), TODAY)
    assert codes(result.blocks) == ["schedule_overlap"]
