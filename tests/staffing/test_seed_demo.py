"""seed_demo: realistic, on the real model, printed logins that work, and idempotent."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from jobs.models import Application, Assignment, Job, Match
from registrants.models import Registrant
from staffing.demo import DEMO_PASSWORD
from staffing.models import User


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Registrant, Job, Assignment, Application, Match)
    }


@pytest.mark.django_db
def test_seed_demo_loads_agency_data_prints_logins_and_changes_nothing_the_second_time(client):
    out = io.StringIO()
    call_command("seed_demo", registrants=60, clients=8, jobs=15, stdout=out)
    first = _counts()

    again = io.StringIO()
    call_command("seed_demo", registrants=60, clients=8, jobs=15, stdout=again)

    assert _counts() == first
    assert "(0 rows written, 0 matches updated)" in again.getvalue()
    assert first["Registrant"] == 60 and first["Job"] == 15 and first["Match"] > 0
    printed = out.getvalue()
    for email in ["admin@demo.nakadachi.jp", "coordinator@demo.nakadachi.jp",
                  "sales@demo.nakadachi.jp", "hanako@demo.nakadachi.jp"]:  # fmt: skip
        assert email in printed
        response = client.post(
            reverse("staffing:login"), {"username": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        client.logout()
    hanako = Registrant.objects.get(user__email="hanako@demo.nakadachi.jp")
    assert hanako.experiences.exists()
    assert hanako.applications.get().status == "proposed"
    # The demo story of DOMAIN.md failure 1: hanako left the unit of J0001 ten months ago.
    assert hanako.assignments.get().unit == Job.objects.get(ref="J0001").unit
