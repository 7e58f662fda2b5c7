"""Service sales: clients with corporate numbers, establishments with their notified conflict
dates, units, contacts and visit notes — with the bad input named next to its field."""

import pytest
from django.urls import reverse

from jobs.models import Client, ClientContact, Establishment, Unit, VisitNote

from ..factories import ClientFactory, EstablishmentFactory, _corporate_number

pytestmark = pytest.mark.django_db


def test_service_sales_registers_a_client_with_a_valid_corporate_number(client, service_sales):
    client.force_login(service_sales)
    number = _corporate_number("123456789012")

    bad = client.post(
        reverse("jobs:client_create"),
        {"name": "株式会社みなと商事", "corporate_number": "1234567890123", "industry": "商社"},
    )
    assert bad.context["form"].errors == {"corporate_number": ["チェックデジットが一致しません"]}
    response = client.post(
        reverse("jobs:client_create"),
        {
            "name": "株式会社みなと商事",
            "corporate_number": number,
            "industry": "商社",
            "service_sales": service_sales.pk,
        },
    )

    created = Client.objects.get()
    assert response["Location"] == reverse("jobs:client_detail", args=[created.pk])
    assert (created.name, created.corporate_number, created.service_sales) == (
        "株式会社みなと商事",
        number,
        service_sales,
    )
    assert created.ref.startswith("C")


def test_establishments_units_contacts_and_visit_notes_are_added(client, service_sales):
    company = ClientFactory()
    client.force_login(service_sales)

    client.post(
        reverse("jobs:client_add", args=[company.pk, "establishment"]),
        {
            "establishment-name": "大阪支店",
            "establishment-postal_code": "5300001",
            "establishment-address": "大阪市北区梅田1-1",
            "establishment-conflict_date": "2028-10-01",
        },
    )
    branch = Establishment.objects.get(client=company)
    client.post(
        reverse("jobs:client_add", args=[company.pk, "unit"]),
        {"unit-establishment": branch.pk, "unit-name": "総務課"},
    )
    client.post(
        reverse("jobs:client_add", args=[company.pk, "contact"]),
        {
            "contact-name": "高橋 誠",
            "contact-role_note": "指揮命令者",
            "contact-establishment": branch.pk,
        },
    )
    client.post(
        reverse("jobs:client_add", args=[company.pk, "visit"]),
        {
            "visit-visited_on": "2026-11-20",
            "visit-summary": "来期の体制について",
            "visit-needs": "総務事務1名（4月〜）",
        },
    )

    assert (branch.postal_code, branch.conflict_date.isoformat()) == ("530-0001", "2028-10-01")
    assert list(Unit.objects.filter(establishment=branch).values_list("name", flat=True)) == [
        "総務課"
    ]
    assert list(ClientContact.objects.values_list("name", "role_note")) == [
        ("高橋 誠", "指揮命令者")
    ]
    assert list(VisitNote.objects.values_list("needs", "by")) == [
        ("総務事務1名（4月〜）", service_sales.pk)
    ]
    page = client.get(reverse("jobs:client_detail", args=[company.pk])).content.decode()
    assert "2028-10-01" in page and "総務課" in page and "総務事務1名（4月〜）" in page


def test_an_extended_conflict_date_must_follow_the_notified_one(client, service_sales):
    establishment = EstablishmentFactory()
    client.force_login(service_sales)

    response = client.post(
        reverse("jobs:establishment_edit", args=[establishment.pk]),
        {
            "name": establishment.name,
            "postal_code": "100-0005",
            "conflict_date": "2029-04-01",
            "conflict_date_extended_to": "2028-04-01",
        },
    )

    assert response.context["form"].errors == {
        "conflict_date_extended_to": ["延長後の抵触日は、通知された抵触日より後にしてください。"]
    }


def test_a_bad_addition_is_shown_next_to_its_field_on_the_client_page(client, service_sales):
    company = ClientFactory()
    client.force_login(service_sales)

    response = client.post(
        reverse("jobs:client_add", args=[company.pk, "establishment"]),
        {"establishment-name": "", "establishment-postal_code": "9999999"},
    )

    assert response.status_code == 200
    assert response.context["forms"]["establishment"].errors == {
        "name": ["このフィールドは必須です。"],
        "postal_code": ["この郵便番号は見つかりませんでした。"],
    }
    assert Establishment.objects.count() == 0


def test_case_sales_read_clients_and_only_service_sales_change_them(
    client, case_sales, coordinator
):
    company = ClientFactory()
    client.force_login(case_sales)
    assert company.name in client.get(reverse("jobs:client_list")).content.decode()
    assert client.get(reverse("jobs:client_create")).status_code == 403
    response = client.post(
        reverse("jobs:client_add", args=[company.pk, "unit"]), {"unit-name": "x"}
    )
    assert response.status_code == 403

    client.force_login(coordinator)
    assert client.get(reverse("jobs:client_detail", args=[company.pk])).status_code == 403
