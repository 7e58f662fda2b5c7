"""The score: duties and months first, conditions next, never age, sex or company names."""

from dataclasses import fields
from datetime import date

import numpy as np
import pytest

from jobs.matching import scoring
from jobs.matching.breakdown import explain
from jobs.matching.scoring import round_points, round_points_array
from jobs.matching.types import Experience, RegistrantProfile, Requirement

from .builders import TODAY, job, profile


def test_factor_weights_add_up_to_one_hundred():
    weights = [scoring.W_REQUIRED, scoring.W_PREFERRED, scoring.W_SKILLS, scoring.W_RECENCY,
               scoring.W_PAY, scoring.W_COMMUTE, scoring.W_CONTRACT, scoring.W_START]  # fmt: skip
    assert sum(weights) == 100


def test_a_perfect_fit_scores_one_hundred():
    perfect = profile(experience=(*profile().experience, Experience("filing", 1, 2026)))
    result = explain(perfect, job(), TODAY)
    assert result.score == 100.0
    assert list(result.factors) == list(scoring.FACTORS)


def test_required_duty_coverage_dominates_every_other_factor():
    everything_but_duties = profile(experience=(Experience("filing", 12, 2026),))
    duties_only = profile(
        min_hourly_wage=3000, max_commute_minutes=5, skills=frozenset(), qualifications=frozenset(),
        contract_months_min=24, available_from=date(2026, 8, 1), location=(34.69, 135.50),
    )  # fmt: skip
    assert (
        explain(duties_only, job(), TODAY).score
        > explain(everything_but_duties, job(), TODAY).score
    )


def test_required_duty_months_count_in_proportion_up_to_the_minimum():
    case = job(required=(Requirement("data_entry", 12),))
    half = explain(profile(experience=(Experience("data_entry", 6, 2025),)), case, TODAY)
    full = explain(profile(experience=(Experience("data_entry", 30, 2025),)), case, TODAY)
    assert half.factors["required_duties"] == 25.0
    assert full.factors["required_duties"] == 50.0


def test_a_requirement_of_zero_months_counts_if_the_duty_was_done_at_all():
    case = job(required=(Requirement("filing", 0),))
    assert (
        explain(profile(experience=(Experience("filing", 1, 2025),)), case, TODAY).factors[
            "required_duties"
        ]
        == 50.0
    )
    assert (
        explain(profile(experience=(Experience("filing", 0, 2025),)), case, TODAY).factors[
            "required_duties"
        ]
        == 0.0
    )


def test_experience_of_the_same_duty_at_several_employers_adds_up():
    split = profile(
        experience=(Experience("data_entry", 5, 2020), Experience("data_entry", 7, 2025))
    )
    assert (
        explain(split, job(required=(Requirement("data_entry", 12),)), TODAY).factors[
            "required_duties"
        ]
        == 50.0
    )


def test_recent_experience_scores_above_old_experience():
    case = job(required=(Requirement("data_entry", 12),))
    recent = explain(profile(experience=(Experience("data_entry", 24, 2025),)), case, TODAY)
    old = explain(profile(experience=(Experience("data_entry", 24, 2018),)), case, TODAY)
    assert recent.factors["recency"] == 5.0
    assert 0 < old.factors["recency"] < 5.0


def test_a_job_that_asks_for_nothing_gives_full_points_for_that_factor():
    result = explain(
        profile(), job(preferred=(), skills=frozenset(), qualifications=frozenset()), TODAY
    )
    assert result.factors["preferred_duties"] == 10.0 and result.factors["skills"] == 10.0


@pytest.mark.parametrize(("wage", "points"), [(1500, 10.0), (1350, 5.0), (1200, 0.0), (1000, 0.0)])
def test_pay_falls_to_zero_at_twenty_percent_below_the_floor(wage, points):
    assert explain(profile(), job(hourly_wage=wage), TODAY).factors["pay"] == points


def test_unknown_location_gives_half_the_commute_points():
    assert explain(profile(location=None), job(), TODAY).factors["commute"] == 3.5


def test_start_before_availability_loses_points_gradually():
    a_month_early = explain(profile(available_from=date(2026, 7, 1)), job(), TODAY)
    assert a_month_early.factors["start"] == pytest.approx(4 * (1 - 30 / 60), abs=0.01)


def test_profile_has_no_sex_education_industry_or_company_fields():
    names = {f.name for f in fields(RegistrantProfile)}
    assert not names & {"sex", "gender", "education", "industry", "company", "companies", "photo"}


def test_score_is_rounded_to_one_decimal_half_up():
    assert float(scoring.round_score(72.25)) == 72.3
    assert float(scoring.round_score(72.25 - 1e-12)) == 72.3
    assert float(scoring.round_score(-3)) == 0.0 and float(scoring.round_score(101)) == 100.0


def test_explain_and_ranking_fits_agree_bit_for_bit():
    """``condition_points_one`` (explain) and ``condition_points`` (ranking) are twins."""
    rng = np.random.default_rng(5)
    n = 20_000
    nan = np.nan

    def sometimes_nan(values, share=0.3):
        return np.where(rng.random(n) < share, nan, values)

    arrays = {
        "wage": rng.choice([900.0, 1100.0, 1500.0, 2000.0], n),
        "floor": rng.choice([0.0, 1000.0, 1500.0, 1800.0], n),
        "no_allowance_penalty": rng.random(n) < 0.5,
        "minutes": sometimes_nan(rng.random(n) * 200),
        "max_minutes": rng.choice([30.0, 45.0, 60.0, 90.0], n),
        "months": sometimes_nan(rng.random(n) * 40),
        "months_min": sometimes_nan(rng.choice([0.0, 1.0, 3.0, 6.0], n)),
        "months_max": sometimes_nan(rng.choice([3.0, 6.0, 12.0, 36.0], n)),
        "start_ordinal": 739_000.0 + rng.integers(0, 200, n),
        "available_ordinal": np.where(
            rng.random(n) < 0.3, 1.0, 739_000.0 + rng.integers(0, 200, n)
        ),
    }
    vectorized = np.column_stack(scoring.condition_points(**arrays))
    one_by_one = np.array(
        [
            scoring.condition_points_one(**{k: v[i].item() for k, v in arrays.items()})
            for i in range(n)
        ]
    )
    assert np.array_equal(vectorized, one_by_one)
    last_year = sometimes_nan(rng.integers(2005, 2027, n).astype(float))
    assert np.array_equal(
        scoring.recency_fit(last_year, 2026),
        [scoring.recency_fit_one(v, 2026) for v in last_year.tolist()],
    )
    totals = np.concatenate([rng.random(n) * 110 - 5, np.arange(1001) / 10, np.arange(2001) / 20])
    assert np.array_equal(
        scoring.round_score(totals), [scoring.round_score_one(t) for t in totals.tolist()]
    )


def test_factor_points_round_alike_on_floats_and_arrays():
    values = np.random.default_rng(3).uniform(0, 50, 20_000)
    values[:4] = [12.345, 0.005, 49.995, 7.125]
    assert round_points_array(values).tolist() == [round_points(v) for v in values.tolist()]
