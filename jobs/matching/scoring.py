"""How well a registrant fits a job: a score from 0 to 100, the sum of eight factors.

=====================  ======  ================================================================
factor                 points  how the points are earned
=====================  ======  ================================================================
``required_duties``        50  mean over the job's required duties of min(months / minimum, 1);
                               a duty required with minimum 0 counts fully if it was done at
                               all (months > 0). Dominant on purpose: duties and months, not
                               industry or company names, predict whether the client says yes.
``preferred_duties``       10  the same mean over the preferred duties.
``skills``                 10  share of the job's skills and qualifications the registrant has.
``recency``                 5  mean over the required duties of how recently each was done:
                               1 for this or last calendar year, falling linearly to 0 at ten
                               years; 0.5 when the year is unknown; 0 when not done.
``pay``                    10  1 at or above the registrant's wage floor, falling linearly to 0
                               at 20 % below it; halved when the registrant needs a transport
                               allowance and the job pays none.
``commute``                 7  1 up to the registrant's maximum commute (60 min if they gave
                               none), falling linearly to 0 at twice that; 0.5 when either
                               location is unknown.
``contract``                4  1 inside the preferred length range; below it months / min,
                               above it max / months; an open-ended job scores 0.5 against a
                               stated maximum.
``start``                   4  1 when the job starts on or after the registrant is available,
                               falling linearly to 0 when it starts 60 days earlier.
=====================  ======  ================================================================

A job that asks for nothing in a factor (no preferred duties, no skills …) gives that factor's
full points: nothing asked, nothing missed. Age, sex, education, industry and company names are
not factors; birth dates are read only by the law's age exemptions.

The ranking computes the fits on arrays (``condition_points``); ``explain`` computes them on
plain floats (``condition_points_one``), which is ~50× faster than numpy on scalars. The two are
written side by side with the same IEEE operations in the same order, and
``tests/matching/test_scoring.py`` checks that they agree bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .types import Experience

W_REQUIRED = 50.0
W_PREFERRED = 10.0
W_SKILLS = 10.0
W_RECENCY = 5.0
W_PAY = 10.0
W_COMMUTE = 7.0
W_CONTRACT = 4.0
W_START = 4.0

FACTORS = (
    "required_duties", "preferred_duties", "skills", "recency",
    "pay", "commute", "contract", "start",
)  # fmt: skip
# Points the per-pair condition factors can add on top of the duty and skill factors: the
# ranking uses it as a bound to skip pairs that cannot reach a job's top N.
CONDITION_POINTS = W_PAY + W_COMMUTE + W_CONTRACT + W_START

PAY_ZERO_BELOW_FLOOR = 0.20
NO_ALLOWANCE_PAY_FACTOR = 0.5
DEFAULT_MAX_COMMUTE_MINUTES = 60.0
UNKNOWN_COMMUTE_FIT = 0.5
OPEN_ENDED_OVER_MAX_FIT = 0.5
START_EARLY_ZERO_DAYS = 60.0
RECENCY_FULL_YEARS = 1
RECENCY_ZERO_YEARS = 10
UNKNOWN_RECENCY = 0.5

# Added before rounding to one decimal: the ranking sums the same terms in another order, and
# a difference in the last bit must not flip x.x5 the other way.
_ROUNDING_NUDGE = 1e-9


def round_score(total: Any) -> Any:
    """Clip to 0–100 and round to one decimal, half up, identically for arrays and floats."""
    return np.round(np.clip(np.asarray(total, dtype=float), 0.0, 100.0) + _ROUNDING_NUDGE, 1)


def round_score_one(total: float) -> float:
    """``round_score`` of one float: numpy rounds as rint(x × 10) / 10, and Python's round()
    of a float is the same round-half-even rint."""
    return round((min(max(total, 0.0), 100.0) + _ROUNDING_NUDGE) * 10.0) / 10.0


def round_points(points: float) -> float:
    """A factor's points to two decimals, as ``round_points_array`` rounds them: rint of
    ``points × 100``, then / 100 (Python's round() of a float to an int is the same rint)."""
    return round(points * 100.0) / 100.0


def round_points_array(points: Any) -> Any:
    return np.rint(np.asarray(points, dtype=float) * 100.0) / 100.0


def duty_summary(experience: Iterable[Experience]) -> dict[str, tuple[float, float]]:
    """duty code → (total months, last year or NaN) over a registrant's experience entries.

    Entries for the same duty (at several employers) add up; a duty with 0 months counts as not
    done."""
    summary: dict[str, tuple[float, float]] = {}
    for duty_code, months, last_year in experience:
        total, last = summary.get(duty_code, (0.0, math.nan))
        total += float(months)
        if last_year is not None and not (last_year <= last):  # NaN-aware max
            last = float(last_year)
        summary[duty_code] = (total, last)
    return {code: value for code, value in summary.items() if value[0] > 0}


def coverage(months: float, min_months: float) -> float:
    """One requirement's coverage, 0–1 (the engine applies the same formula per column)."""
    if min_months > 0:
        return min(months / min_months, 1.0)
    return 1.0 if months > 0 else 0.0


def recency_fit_one(last_year: float, this_year: int) -> float:
    """1 for this or last year, linear to 0 at ten years ago, 0.5 if unknown (NaN)."""
    if math.isnan(last_year):
        return UNKNOWN_RECENCY
    years_ago = max(this_year - last_year, 0.0)
    span = RECENCY_ZERO_YEARS - RECENCY_FULL_YEARS
    return min(max(1.0 - (years_ago - RECENCY_FULL_YEARS) / span, 0.0), 1.0)


def recency_fit(last_year: Any, this_year: int) -> Any:
    """``recency_fit_one`` on arrays."""
    years_ago = np.maximum(this_year - np.asarray(last_year, dtype=float), 0.0)
    span = RECENCY_ZERO_YEARS - RECENCY_FULL_YEARS
    fit = np.clip(1.0 - (years_ago - RECENCY_FULL_YEARS) / span, 0.0, 1.0)
    return np.where(np.isnan(years_ago), UNKNOWN_RECENCY, fit)


def pay_fit(wage: Any, floor: Any) -> Any:
    """``floor`` 0 means the registrant gave none."""
    floor = np.asarray(floor, dtype=float)
    shortfall = np.maximum(floor - wage, 0.0)
    safe_floor = np.where(floor > 0, floor, 1.0)
    return np.maximum(1.0 - shortfall / (safe_floor * PAY_ZERO_BELOW_FLOOR), 0.0)


def commute_fit(minutes: Any, max_minutes: Any) -> Any:
    """``minutes`` NaN = a location is unknown; ``max_minutes`` is already defaulted."""
    minutes = np.asarray(minutes, dtype=float)
    fit = np.clip(2.0 - minutes / max_minutes, 0.0, 1.0)
    return np.where(np.isnan(minutes), UNKNOWN_COMMUTE_FIT, fit)


def contract_fit(months: Any, months_min: Any, months_max: Any) -> Any:
    """``months`` NaN = open-ended job; ``months_min``/``months_max`` NaN = no preference."""
    months = np.asarray(months, dtype=float)
    months_min = np.asarray(months_min, dtype=float)
    months_max = np.asarray(months_max, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        short = months < months_min
        long = months > months_max
        fit = np.where(short, months / months_min, np.where(long, months_max / months, 1.0))
    open_ended = np.where(np.isnan(months_max), 1.0, OPEN_ENDED_OVER_MAX_FIT)
    return np.where(np.isnan(months), open_ended, fit)


def start_fit(start_ordinal: Any, available_ordinal: Any) -> Any:
    """Dates as ``date.toordinal()``; a registrant available any time has a very small one."""
    early_days = np.maximum(np.asarray(available_ordinal, dtype=float) - start_ordinal, 0.0)
    return np.maximum(1.0 - early_days / START_EARLY_ZERO_DAYS, 0.0)


def condition_points(
    *,
    wage: Any,
    floor: Any,
    no_allowance_penalty: Any,
    minutes: Any,
    max_minutes: Any,
    months: Any,
    months_min: Any,
    months_max: Any,
    start_ordinal: Any,
    available_ordinal: Any,
) -> tuple[Any, Any, Any, Any]:
    """Points of the four per-pair condition factors on arrays: (pay, commute, contract,
    start); ``condition_points_one`` is the same on floats."""
    allowance = np.where(no_allowance_penalty, NO_ALLOWANCE_PAY_FACTOR, 1.0)
    return (
        W_PAY * pay_fit(wage, floor) * allowance,
        W_COMMUTE * commute_fit(minutes, max_minutes),
        W_CONTRACT * contract_fit(months, months_min, months_max),
        W_START * start_fit(start_ordinal, available_ordinal),
    )


def condition_points_one(
    *,
    wage: float,
    floor: float,
    no_allowance_penalty: bool,
    minutes: float,
    max_minutes: float,
    months: float,
    months_min: float,
    months_max: float,
    start_ordinal: float,
    available_ordinal: float,
) -> tuple[float, float, float, float]:
    """``condition_points`` for one pair, in plain floats (NaN = unknown, as there)."""
    shortfall = max(floor - wage, 0.0)
    safe_floor = floor if floor > 0 else 1.0
    pay = max(1.0 - shortfall / (safe_floor * PAY_ZERO_BELOW_FLOOR), 0.0)
    allowance = NO_ALLOWANCE_PAY_FACTOR if no_allowance_penalty else 1.0

    if math.isnan(minutes):
        commute = UNKNOWN_COMMUTE_FIT
    else:
        commute = min(max(2.0 - minutes / max_minutes, 0.0), 1.0)

    if math.isnan(months):
        contract = 1.0 if math.isnan(months_max) else OPEN_ENDED_OVER_MAX_FIT
    elif months < months_min:
        contract = months / months_min
    elif months > months_max:
        contract = months_max / months
    else:
        contract = 1.0

    early_days = max(available_ordinal - start_ordinal, 0.0)
    start = max(1.0 - early_days / START_EARLY_ZERO_DAYS, 0.0)
    return (
        W_PAY * pay * allowance,
        W_COMMUTE * commute,
        W_CONTRACT * contract,
        W_START * start,
    )
