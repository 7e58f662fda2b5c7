"""Calendar arithmetic for the dispatch-law periods, counted the way 民法 counts them.

Periods in months or years start on their first day and end on the day before the corresponding
day of the last month (民法143条2項); when that month has no corresponding day (a period starting
on the 31st, or on 29 February), the period ends on the last day of that month. Counting with
plain ``+ relativedelta(months=3)`` gets these edges wrong by a day, which is exactly the day the
law cares about, so every rule goes through the helpers below.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

ONE_DAY = timedelta(days=1)
# Ordinal stand-ins for "never" and "any time", comparable with date.toordinal() values.
NEVER = date.max.toordinal() + 1
ALWAYS = 1
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    # calendar.monthrange also computes the weekday, which costs more than the rest here.
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return _DAYS_IN_MONTH[month - 1] + leap


def add_months(day: date, months: int) -> date:
    """The corresponding day ``months`` later, clamped to the last day of a shorter month."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last = days_in_month(year, month)
    return date(year, month, min(day.day, last))


# Dates repeat (a large agency's 150,000 assignments start on a few thousand days): the
# matrices cache the periods.
@lru_cache(maxsize=1 << 16)
def period_last_day(first_day: date, months: int) -> date:
    """Last day of a period of ``months`` months that starts on ``first_day`` (民法143条)."""
    month_index = first_day.year * 12 + (first_day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last = days_in_month(year, month)
    if first_day.day > last:
        # No corresponding day in that month: the period ends on its last day.
        return date(year, month, last)
    return date(year, month, first_day.day) - ONE_DAY


def day_after_period(first_day: date, months: int) -> date:
    """The first day after a period of ``months`` months: the conflict date of a limit."""
    return period_last_day(first_day, months) + ONE_DAY


def latest_chaining_start(previous_end: date, gap_months: int) -> date:
    """The latest start date that still continues a chain after an assignment ending on
    ``previous_end``: the gap (the days strictly between the two) may last ``gap_months``
    months but not one day more."""
    return period_last_day(previous_end + ONE_DAY, gap_months) + ONE_DAY


def birthday_on_or_after(birth_date: date, years: int) -> date:
    """The day someone born on ``birth_date`` is ``years`` old.

    Someone born on 29 February reaches the age on 1 March in a common year: the later of the
    two readings, so an exemption that depends on the age is never granted a day early.
    """
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:
        return date(birth_date.year + years, 3, 1)


def is_at_least_age(birth_date: date | None, years: int, on: date) -> bool:
    """Whether someone is ``years`` old or older on ``on``; unknown birth dates are not."""
    return birth_date is not None and on >= birthday_on_or_after(birth_date, years)


def contract_months(start: date, end: date | None) -> float | None:
    """Length of ``start``..``end`` (both inclusive) in calendar months, the remainder in
    average months; ``None`` if open-ended. 4 Jan – 3 Jul is exactly 6, as people count it."""
    if end is None:
        return None
    whole = (end.year - start.year) * 12 + end.month - start.month + 1
    while whole > 0 and add_months(start, whole) - timedelta(days=1) > end:
        whole -= 1
    covered_until = add_months(start, whole) - timedelta(days=1)
    return whole + (end - covered_until).days / 30.4375
