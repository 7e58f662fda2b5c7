"""Every model the agency admin manages opens in the Django admin, with its search working."""

import pytest
from django.contrib import admin
from django.urls import reverse


@pytest.mark.django_db
def test_every_admin_changelist_opens_and_searches_for_the_agency_admin(client, agency_admin):
    client.force_login(agency_admin)
    opened = []
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        query = {"q": "山田"} if model_admin.search_fields else {}
        response = client.get(url, query)
        assert response.status_code == 200, url
        opened.append(model._meta.label)
    assert {"registrants.Registrant", "jobs.Job", "jobs.Client", "staffing.Notification"} <= set(
        opened
    )


@pytest.mark.django_db
def test_a_registrant_cannot_open_the_admin(client, registrant_user):
    client.force_login(registrant_user)
    response = client.get(reverse("admin:registrants_registrant_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
