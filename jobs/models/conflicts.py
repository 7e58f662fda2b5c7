"""Conflict dates (抵触日) the staff look ahead to: establishments' and registrant × unit ones.

The individual limit (派遣法40条の3) counts per registrant and organizational unit: assignments
there chain while the gap between them is 3 months or less, and the conflict date is the day
after 3 years from the chain's first day. The arithmetic is the matching engine's own
(``jobs.matching.law`` and ``jobs.matching.periods``), so the pages and the matching agree.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from jobs.matching.law import INDIVIDUAL_LIMIT
from jobs.matching.periods import day_after_period, is_at_least_age, latest_chaining_start

from .assignments import Assignment
from .clients import Establishment, Unit

Period = tuple[datetime.date, datetime.date]


@dataclass(frozen=True)
class Chain:
    """Assignments at one unit with no gap longer than the cooling gap between them."""

    periods: tuple[Period, ...]

    @property
    def start(self) -> datetime.date:
        return self.periods[0][0]

    @property
    def end(self) -> datetime.date:
        return max(end for _start, end in self.periods)

    @property
    def conflict_date(self) -> datetime.date:
        return day_after_period(self.start, INDIVIDUAL_LIMIT.limit_months)

    def continues_on(self, day: datetime.date) -> bool:
        """Whether work starting on ``day`` would still count towards this chain."""
        return day <= latest_chaining_start(self.end, INDIVIDUAL_LIMIT.cooling_gap_months)


def chains(periods: list[Period]) -> list[Chain]:
    ordered = sorted(periods)
    found: list[list[Period]] = []
    for start, end in ordered:
        if found:
            chain_end = max(e for _s, e in found[-1])
            if start <= latest_chaining_start(chain_end, INDIVIDUAL_LIMIT.cooling_gap_months):
                found[-1].append((start, end))
                continue
        found.append([(start, end)])
    return [Chain(tuple(group)) for group in found]


@dataclass(frozen=True)
class UnitHistory:
    unit: Unit
    periods: tuple[Period, ...]
    current: Chain

    def conflict_date(self, on: datetime.date) -> datetime.date | None:
        """The conflict date that binds work starting ``on``; None once the count restarted."""
        return self.current.conflict_date if self.current.continues_on(on) else None


def history_with_client(registrant, client, *, on: datetime.date) -> list[UnitHistory]:
    """The registrant's assignments at each unit of ``client``, with the chain that counts."""
    by_unit: dict[int, list[Period]] = defaultdict(list)
    for unit_id, start, end in Assignment.objects.filter(
        registrant=registrant, unit__establishment__client=client
    ).values_list("unit_id", "start", "end"):
        by_unit[unit_id].append((start, end))
    units = Unit.objects.in_bulk(list(by_unit))
    histories = []
    for unit_id, periods in by_unit.items():
        histories.append(UnitHistory(units[unit_id], tuple(sorted(periods)), chains(periods)[-1]))
    return sorted(histories, key=lambda item: item.periods[0][0])


def establishments_reaching_conflict(*, today: datetime.date, until: datetime.date):
    """Establishments whose (extended) conflict date falls between today and ``until``."""
    candidates = Establishment.objects.select_related("client").filter(conflict_date__isnull=False)
    found = [item for item in candidates if today <= item.effective_conflict_date <= until]
    return sorted(found, key=lambda item: item.effective_conflict_date)


@dataclass(frozen=True)
class IndividualLimit:
    registrant: object
    unit: Unit
    chain: Chain

    @property
    def conflict_date(self) -> datetime.date:
        return self.chain.conflict_date


def individual_limits_reaching(*, today: datetime.date, until: datetime.date):
    """Registrant × unit chains still running (or able to continue) whose conflict date is on
    or before ``until`` — including any already passed, which need action now. Registrants the
    limit does not apply to (無期雇用, 60 or over) and exempt work are left out."""
    from registrants.models import Registrant

    recent = today - datetime.timedelta(days=31 * INDIVIDUAL_LIMIT.cooling_gap_months + 1)
    pairs = set(Assignment.objects.filter(end__gte=recent).values_list("registrant_id", "unit_id"))
    if not pairs:
        return []
    registrant_ids = {registrant_id for registrant_id, _unit in pairs}
    rows = Assignment.objects.filter(registrant_id__in=registrant_ids).values_list(
        "registrant_id", "unit_id", "start", "end", "job__individual_limit_exemption"
    )
    periods: dict[tuple[int, int], list[Period]] = defaultdict(list)
    exempt: dict[tuple[int, int], bool] = {}
    for registrant_id, unit_id, start, end, exemption in rows.order_by("start"):
        key = (registrant_id, unit_id)
        if key not in pairs:
            continue
        periods[key].append((start, end))
        exempt[key] = bool(exemption)  # the latest assignment's work decides
    registrants = Registrant.objects.in_bulk(list(registrant_ids))
    units = Unit.objects.select_related("establishment__client").in_bulk(
        [unit_id for _registrant, unit_id in pairs]
    )
    found = []
    for key, unit_periods in periods.items():
        registrant = registrants[key[0]]
        if exempt[key] or registrant.agency_employment == Registrant.AgencyEmployment.INDEFINITE:
            continue
        if is_at_least_age(registrant.birth_date, INDIVIDUAL_LIMIT.exempt_age, today):
            continue
        chain = chains(unit_periods)[-1]
        if chain.continues_on(today) and chain.conflict_date <= until:
            found.append(IndividualLimit(registrant, units[key[1]], chain))
    return sorted(found, key=lambda item: (item.conflict_date, item.registrant.pk))
