"""Builders shared by the notification tests."""

import datetime

from jobs.models import Match
from tests.factories import JobFactory, RegistrantFactory


def match(*, registrant, job=None, score=80.0, eligible=True, caveats=(), blocks=(), factors=None):
    """A stored match as the matching adapter would leave it."""
    return Match.objects.create(
        job=job or JobFactory(),
        registrant=registrant,
        score=score,
        eligible=eligible,
        factors=factors
        if factors is not None
        else {"required_duties": 40.0, "pay": 15.0, "commute": 10.0, "contract": 5.0},
        caveats=list(caveats),
        blocks=list(blocks),
    )


def registrant(**fields):
    fields.setdefault("alert_frequency", "daily")
    fields.setdefault("alert_min_score", 60)
    return RegistrantFactory(**fields)


def at(day: str, hour: int = 9) -> datetime.datetime:
    """An aware datetime in the agency's time zone."""
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.fromisoformat(day).replace(hour=hour))
