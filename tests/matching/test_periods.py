"""Periods are counted as 民法143条 counts them: the law's edge days depend on it."""

from datetime import date

from jobs.matching.periods import (
    add_months,
    birthday_on_or_after,
    contract_months,
    day_after_period,
    is_at_least_age,
    latest_chaining_start,
    period_last_day,
)


def test_period_ends_the_day_before_the_corresponding_day():
    assert period_last_day(date(2024, 4, 1), 36) == date(2027, 3, 31)
    assert period_last_day(date(2024, 4, 15), 3) == date(2024, 7, 14)


def test_period_without_a_corresponding_day_ends_on_the_last_day_of_the_month():
    assert period_last_day(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert period_last_day(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_conflict_date_is_the_day_after_three_years():
    assert day_after_period(date(2024, 4, 1), 36) == date(2027, 4, 1)
    assert day_after_period(date(2024, 2, 29), 36) == date(2027, 3, 1)


def test_latest_chaining_start_allows_a_gap_of_exactly_three_months():
    # Gap 1 April – 30 June is exactly three months; a start on 1 July still chains.
    assert latest_chaining_start(date(2025, 3, 31), 3) == date(2025, 7, 1)
    assert latest_chaining_start(date(2025, 11, 29), 3) == date(2026, 3, 1)


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 3) == date(2027, 3, 15)


def test_birthday_of_someone_born_on_29_february_is_1_march_in_a_common_year():
    assert birthday_on_or_after(date(1964, 2, 29), 60) == date(2024, 2, 29)
    assert birthday_on_or_after(date(1964, 2, 29), 61) == date(2025, 3, 1)
    assert not is_at_least_age(date(1964, 2, 29), 61, date(2025, 2, 28))
    assert is_at_least_age(date(1966, 5, 20), 60, date(2026, 5, 20))
    assert not is_at_least_age(None, 60, date(2026, 5, 20))


def test_contract_months_counts_both_ends_and_open_ended_is_none():
    assert round(contract_months(date(2026, 4, 1), date(2026, 5, 31)), 1) == 2.0
    assert contract_months(date(2026, 4, 1), None) is None


def test_days_in_month_knows_leap_years():
    import calendar

    from jobs.matching.periods import days_in_month

    for year in (1900, 2000, 2023, 2024, 2100):
        for month in range(1, 13):
            assert days_in_month(year, month) == calendar.monthrange(year, month)[1]
