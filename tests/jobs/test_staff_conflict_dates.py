"""The conflict-date outlook: establishments' dates and registrant × unit individual limits
coming in the next 3 months (派遣法40条の2, 40条の3)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.matching.periods import add_months
from jobs.models import Assignment
from jobs.models.conflicts import (
    chains,
    establishments_reaching_conflict,
    individual_limits_reaching,
)

from ..factories import EstablishmentFactory, RegistrantFactory, UnitFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 16)
UNTIL = add_months(TODAY, 3)


def _worked(registrant, unit, start, end):
    Assignment.objects.create(
        registrant=registrant,
        unit=unit,
        start=start,
        end=end,
        hourly_wage=1500,
        hourly_bill_rate=2100,
    )


def test_assignments_chain_across_gaps_of_three_months_at_most():
    found = chains(
        [
            (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)),
            # A gap of exactly 3 months (April, May, June) continues the count …
            (datetime.date(2024, 7, 1), datetime.date(2024, 12, 31)),
            # … one of 3 months and 1 day restarts it.
            (datetime.date(2025, 4, 2), datetime.date(2025, 9, 30)),
        ]
    )

    assert [(chain.start, chain.end, chain.conflict_date) for chain in found] == [
        (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31), datetime.date(2027, 1, 1)),
        (datetime.date(2025, 4, 2), datetime.date(2025, 9, 30), datetime.date(2028, 4, 2)),
    ]


def test_establishments_reaching_their_conflict_date_within_three_months():
    soon = EstablishmentFactory(name="本社", conflict_date=datetime.date(2027, 1, 1))
    EstablishmentFactory(name="遠い", conflict_date=datetime.date(2027, 6, 1))
    EstablishmentFactory(
        name="延長済み",
        conflict_date=datetime.date(2026, 12, 1),
        conflict_date_extended_to=datetime.date(2029, 12, 1),
    )
    EstablishmentFactory(name="過去", conflict_date=datetime.date(2026, 10, 1))
    EstablishmentFactory(name="未通知", conflict_date=None)

    assert establishments_reaching_conflict(today=TODAY, until=UNTIL) == [soon]


def test_individual_limits_that_bind_in_the_next_three_months():
    unit = UnitFactory()
    chained = RegistrantFactory(ref="CHAINED")
    _worked(chained, unit, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    _worked(chained, unit, datetime.date(2025, 3, 1), datetime.date(2027, 6, 30))
    restarted = RegistrantFactory(ref="RESTARTED")
    _worked(restarted, unit, datetime.date(2023, 1, 1), datetime.date(2023, 6, 30))
    _worked(restarted, unit, datetime.date(2024, 3, 1), datetime.date(2026, 12, 31))
    left = RegistrantFactory(ref="LEFT")
    _worked(left, unit, datetime.date(2024, 1, 1), datetime.date(2026, 6, 30))
    senior = RegistrantFactory(ref="SENIOR", birth_date=datetime.date(1960, 4, 1))
    _worked(senior, unit, datetime.date(2024, 1, 1), datetime.date(2027, 6, 30))
    indefinite = RegistrantFactory(ref="INDEFINITE", agency_employment="indefinite")
    _worked(indefinite, unit, datetime.date(2024, 1, 1), datetime.date(2027, 6, 30))

    found = individual_limits_reaching(today=TODAY, until=UNTIL)

    assert [(item.registrant.ref, item.unit, item.conflict_date) for item in found] == [
        ("CHAINED", unit, datetime.date(2027, 1, 1))
    ]
    later = individual_limits_reaching(today=TODAY, until=datetime.date(2027, 3, 31))
    assert [(item.registrant.ref, item.conflict_date) for item in later] == [
        ("CHAINED", datetime.date(2027, 1, 1)),
        ("RESTARTED", datetime.date(2027, 3, 1)),
    ]


def test_the_page_names_registrants_only_to_sales_reps(client, case_sales, service_sales):
    today = timezone.localdate()
    unit = UnitFactory(establishment__conflict_date=add_months(today, 2))
    registrant = RegistrantFactory(ref="R-LIMIT", family_name="鈴木", given_name="一郎")
    _worked(registrant, unit, add_months(today, -35), add_months(today, 6))

    client.force_login(case_sales)
    html = client.get(reverse("jobs:conflict_dates")).content.decode()
    assert unit.establishment.client.name in html
    assert "R-LIMIT 鈴木 一郎" in html

    client.force_login(service_sales)
    html = client.get(reverse("jobs:conflict_dates")).content.decode()
    assert "R-LIMIT" in html and "鈴木" not in html


def test_coordinators_and_registrants_do_not_get_the_outlook(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("jobs:conflict_dates")).status_code == 403
    client.force_login(RegistrantFactory().user)
    assert client.get(reverse("jobs:conflict_dates")).status_code == 403
