"""One test per legal rule and edge: 派遣法 40条の3, 40条の2, 40条の9, 35条の4, 4条, overlaps."""

from datetime import date

from jobs.matching import law
from jobs.matching.types import DirectEmployment, Duty, PastAssignment

from .builders import codes, finding, job, profile


def _at_unit(start, end, unit=10):
    return PastAssignment(unit, 5, "1010001000001", start, end)


# --- 40条の3 individual limit -----------------------------------------------------------------


def test_individual_limit_gap_of_exactly_three_months_chains():
    worker = profile(assignments=(_at_unit(date(2024, 4, 1), date(2025, 3, 31)),))
    result = law.individual_limit(worker, job(start=date(2025, 7, 1), end=date(2025, 12, 31)))
    assert result.chained
    assert result.chain_start == date(2024, 4, 1)
    assert result.conflict_date == date(2027, 4, 1)


def test_individual_limit_gap_of_three_months_and_one_day_resets():
    worker = profile(assignments=(_at_unit(date(2024, 4, 1), date(2025, 3, 31)),))
    result = law.individual_limit(worker, job(start=date(2025, 7, 2), end=date(2025, 12, 31)))
    assert not result.chained
    assert result.chain_start == date(2025, 7, 2)
    assert result.conflict_date == date(2028, 7, 2)


def test_individual_limit_chains_earlier_assignments_with_short_gaps():
    worker = profile(
        assignments=(
            _at_unit(date(2023, 1, 1), date(2023, 6, 30)),  # reset by the long gap after it
            _at_unit(date(2024, 1, 10), date(2024, 6, 30)),
            _at_unit(date(2024, 9, 30), date(2025, 3, 31)),  # gap of exactly 3 months: chains
        )
    )
    result = law.individual_limit(worker, job(start=date(2025, 5, 1), end=date(2025, 10, 31)))
    assert result.chain_start == date(2024, 1, 10)
    assert result.conflict_date == date(2027, 1, 10)


def test_individual_limit_conflict_date_is_chain_start_plus_three_years():
    worker = profile(assignments=(_at_unit(date(2024, 6, 15), date(2026, 3, 31)),))
    result = law.individual_limit(worker, job(start=date(2026, 4, 1), end=date(2026, 9, 30)))
    assert result.conflict_date == date(2027, 6, 15)


def test_individual_limit_blocks_a_job_whose_period_reaches_the_conflict_date():
    worker = profile(assignments=(_at_unit(date(2024, 6, 15), date(2026, 3, 31)),))
    reaching = job(start=date(2026, 4, 1), end=date(2027, 6, 15))
    stopping_before = job(start=date(2026, 4, 1), end=date(2027, 6, 14))
    assert law.individual_limit(worker, reaching).blocked
    assert finding(law.check_all(worker, reaching).blocks, "individual_limit").params == {
        "chain_start": "2024-06-15",
        "conflict_date": "2027-06-15",
    }
    assert not law.individual_limit(worker, stopping_before).blocked


def test_individual_limit_warns_when_the_conflict_date_is_near_the_end():
    worker = profile(assignments=(_at_unit(date(2024, 6, 15), date(2026, 3, 31)),))
    near = law.individual_limit(worker, job(start=date(2026, 4, 1), end=date(2027, 3, 31)))
    far = law.individual_limit(worker, job(start=date(2026, 4, 1), end=date(2027, 3, 14)))
    assert near.near and not near.blocked
    assert not far.near


def test_individual_limit_blocks_an_open_ended_job_that_continues_a_chain():
    worker = profile(assignments=(_at_unit(date(2025, 6, 1), date(2026, 3, 31)),))
    assert law.individual_limit(worker, job(start=date(2026, 5, 1), end=None)).blocked
    stranger = profile(assignments=())
    assert not law.individual_limit(stranger, job(start=date(2026, 5, 1), end=None)).blocked


def test_individual_limit_blocks_a_job_longer_than_three_years_without_history():
    result = law.individual_limit(profile(), job(start=date(2026, 6, 1), end=date(2029, 6, 1)))
    assert result.blocked and result.conflict_date == date(2029, 6, 1)


def test_individual_limit_counts_per_unit_not_per_establishment():
    worker = profile(assignments=(_at_unit(date(2024, 6, 1), date(2026, 3, 31), unit=11),))
    result = law.individual_limit(worker, job(start=date(2026, 4, 1), end=date(2027, 9, 30)))
    assert not result.chained and not result.earlier


def test_individual_limit_exempts_indefinite_employment():
    worker = profile(
        indefinite_employment=True, assignments=(_at_unit(date(2023, 1, 1), date(2026, 3, 31)),)
    )
    result = law.individual_limit(worker, job(start=date(2026, 4, 1), end=date(2027, 3, 31)))
    assert result.exempt_reason == "indefinite_employment"
    assert not result.blocked


def test_individual_limit_exempts_people_sixty_or_older_on_the_job_start():
    history = (_at_unit(date(2023, 1, 1), date(2026, 3, 31)),)
    long_job = job(start=date(2026, 4, 1), end=date(2027, 3, 31))
    sixty_on_start = profile(birth_date=date(1966, 4, 1), assignments=history)
    sixty_next_day = profile(birth_date=date(1966, 4, 2), assignments=history)
    assert law.individual_limit(sixty_on_start, long_job).exempt_reason == "age_60_plus"
    assert law.individual_limit(sixty_next_day, long_job).blocked


def test_individual_limit_exempts_jobs_with_an_exemption_reason():
    worker = profile(assignments=(_at_unit(date(2023, 1, 1), date(2026, 3, 31)),))
    exempt_job = job(
        start=date(2026, 4, 1), end=date(2027, 3, 31), individual_limit_exempt_reason="leave_cover"
    )
    result = law.individual_limit(worker, exempt_job)
    assert result.exempt_reason == "leave_cover" and not result.blocked


# --- 40条の2 establishment limit ------------------------------------------------------------


def test_establishment_limit_blocks_a_job_running_onto_the_conflict_date():
    conflict = date(2026, 11, 30)
    assert codes(law.establishment_limit(job(establishment_conflict_date=conflict)).blocks) == [
        "establishment_limit"
    ]
    ends_before = job(end=date(2026, 11, 29), establishment_conflict_date=conflict)
    assert law.establishment_limit(ends_before).blocks == ()


def test_establishment_limit_uses_the_start_of_an_open_ended_job():
    assert (
        law.establishment_limit(job(end=None, establishment_conflict_date=date(2026, 6, 2))).blocks
        == ()
    )
    assert law.establishment_limit(
        job(end=None, establishment_conflict_date=date(2026, 6, 1))
    ).blocks


# --- 40条の9 former employees -----------------------------------------------------------------


def test_former_employee_within_one_year_of_leaving_is_blocked():
    worker = profile(
        employment_history=(DirectEmployment("1010001000001", date(2020, 4, 1), date(2025, 5, 31)),)
    )
    blocked = law.former_employee(worker, job(start=date(2026, 5, 31)))
    assert blocked.blocks[0].params == {
        "corporate_number": "1010001000001",
        "employment_end": "2025-05-31",
    }
    assert law.former_employee(worker, job(start=date(2026, 6, 1))).blocks == ()


def test_former_employee_still_employed_is_blocked():
    worker = profile(employment_history=(DirectEmployment("1010001000001", date(2020, 4, 1)),))
    assert codes(law.former_employee(worker, job()).blocks) == ["former_employee"]


def test_former_employee_retired_at_mandatory_age_is_not_blocked():
    worker = profile(
        employment_history=(
            DirectEmployment("1010001000001", date(1990, 4, 1), date(2026, 3, 31), True),
        )
    )
    assert law.former_employee(worker, job()).blocks == ()


def test_former_employee_of_a_group_company_is_not_blocked():
    worker = profile(
        employment_history=(DirectEmployment("9999999999999", date(2020, 4, 1), date(2026, 3, 31)),)
    )
    assert law.former_employee(worker, job()).blocks == ()


# --- 35条の4 day dispatch ----------------------------------------------------------------------


def test_day_dispatch_of_thirty_days_or_less_is_blocked():
    result = law.day_dispatch(profile(), job(employment_contract_days=30))
    assert result.blocks[0].params == {"contract_days": 30}
    assert law.day_dispatch(profile(), job(employment_contract_days=31)).blocks == ()


def test_day_dispatch_is_allowed_for_designated_work():
    exempt_work = job(employment_contract_days=7, day_dispatch_exempt_work=True)
    assert law.day_dispatch(profile(), exempt_work).blocks == ()


def test_day_dispatch_is_allowed_for_people_aged_sixty_or_more():
    short = job(employment_contract_days=7, start=date(2026, 6, 1))
    assert law.day_dispatch(profile(birth_date=date(1966, 6, 1)), short).blocks == ()
    assert law.day_dispatch(profile(birth_date=date(1966, 6, 2)), short).blocks


def test_day_dispatch_is_allowed_with_a_verified_declared_exemption():
    short = job(employment_contract_days=7)
    for exemption in ("student", "side_job_income", "household_income"):
        assert law.day_dispatch(profile(day_dispatch_exemption=exemption), short).blocks == ()


# --- 4条 prohibited work -------------------------------------------------------------------------


def test_prohibited_work_is_blocked_for_everyone():
    assert codes(law.prohibited_work(job(prohibited_work=True)).blocks) == ["prohibited_work"]
    assert law.prohibited_work(job()).blocks == ()


def test_job_duty_flags_need_all_duties_exempt_and_one_prohibited_duty_taints():
    duties = {
        "filing": Duty(code="filing", category="office", day_dispatch_exempt=True),
        "research": Duty(code="research", category="office", day_dispatch_exempt=True),
        "data_entry": Duty(code="data_entry", category="office"),
        "security": Duty(code="security", category="restricted", prohibited=True),
    }
    assert law.job_duty_flags(["filing", "research"], duties) == (True, False)
    assert law.job_duty_flags(["filing", "data_entry"], duties) == (False, False)
    assert law.job_duty_flags(["data_entry", "security"], duties) == (False, True)


# --- schedule overlap ----------------------------------------------------------------------


def test_schedule_overlap_with_a_current_assignment_is_blocked():
    current = PastAssignment(99, 9, "2020001000002", date(2026, 1, 1), date(2026, 6, 1))
    result = law.schedule_overlap(profile(assignments=(current,)), job(start=date(2026, 6, 1)))
    assert result.blocks[0].params == {"start": "2026-01-01", "end": "2026-06-01"}


def test_schedule_overlap_is_a_caveat_for_registrants_accepting_concurrent_work():
    current = PastAssignment(99, 9, "2020001000002", date(2026, 1, 1), date(2026, 12, 31))
    worker = profile(assignments=(current,), accepts_concurrent=True)
    result = law.schedule_overlap(worker, job())
    assert result.blocks == () and codes(result.caveats) == ["schedule_overlap"]


def test_assignment_ending_before_the_job_starts_does_not_overlap():
    past = PastAssignment(99, 9, "2020001000002", date(2026, 1, 1), date(2026, 5, 31))
    assert law.schedule_overlap(profile(assignments=(past,)), job(start=date(2026, 6, 1))) == (
        law.Outcome()
    )
