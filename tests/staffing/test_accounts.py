import pytest
from django.core import mail
from django.urls import reverse

from registrants.models import Registrant
from staffing.models import AgencyEstablishment, AgencySettings, AuditEvent, User

from ..factories import PASSWORD

SIGNUP = {
    "email": "Hanako.Sato@Example.jp",
    "family_name": "佐藤",
    "given_name": "花子",
    "family_name_kana": "サトウ",
    "given_name_kana": "ハナコ",
    "password": "kiri-no-mori-7",
    "privacy_consent": "on",
}


@pytest.mark.django_db
def test_signup_creates_a_registrant_login_with_consent_and_sends_a_welcome_mail(
    client,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staffing:signup"), SIGNUP)

    assert response.status_code == 302 and response["Location"] == reverse("staffing:home")
    user = User.objects.get()
    assert user.email == "hanako.sato@example.jp"
    assert user.roles == {"registrant"}
    registrant = Registrant.objects.get(user=user)
    assert (registrant.family_name, registrant.given_name_kana) == ("佐藤", "ハナコ")
    assert registrant.privacy_consent_at is not None
    assert int(client.session["_auth_user_id"]) == user.pk
    assert [m.to for m in mail.outbox] == [["hanako.sato@example.jp"]]
    assert mail.outbox[0].subject == "仲立ちへようこそ"
    assert "佐藤 花子 様" in mail.outbox[0].body


@pytest.mark.django_db
def test_signup_refuses_a_taken_email_and_missing_consent_naming_the_fields(
    client, registrant_user
):
    response = client.post(
        reverse("staffing:signup"),
        {**SIGNUP, "email": registrant_user.email, "privacy_consent": ""},
    )

    form = response.context["form"]
    assert form.errors["email"] == ["このメールアドレスのアカウントはすでにあります。"]
    assert "privacy_consent" in form.errors
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_login_is_by_email_and_case_insensitive(client, registrant_user):
    response = client.post(
        reverse("staffing:login"),
        {"username": registrant_user.email.upper(), "password": PASSWORD},
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == registrant_user.pk


@pytest.mark.django_db
def test_registrant_cannot_open_agency_settings(client, registrant_user):
    client.force_login(registrant_user)
    response = client.get(reverse("staffing:agency_settings"))
    assert response.status_code == 403


@pytest.mark.django_db
def test_agency_admin_switches_coordinators_off_and_adds_an_agency_establishment(
    client, agency_admin
):
    client.force_login(agency_admin)
    AgencySettings.load()
    data = {
        "agency-name": "仲立ちスタッフ株式会社",
        "agency-permit_number": "派13-301234",
        "agency-uses_coordinators": "",
        "agency-proposals_per_registrant_per_week": "2",
        "agency-messages_per_registrant_per_day": "5",
        "agency-response_target_hours": "24",
        "agency-step_target_days": "5",
        "agency-equal_pay_method": "labour_agreement",
        "office-TOTAL_FORMS": "1",
        "office-INITIAL_FORMS": "0",
        "office-MIN_NUM_FORMS": "0",
        "office-MAX_NUM_FORMS": "1000",
        "office-0-name": "新宿支店",
        "office-0-postal_code": "160-0023",
        "office-0-address": "東京都新宿区西新宿1-1-1",
        "office-0-phone": "03-0000-0000",
        "office-0-responsible_person": "管理 三郎",
        "office-0-uses_labour_agreement": "on",
    }

    response = client.post(reverse("staffing:agency_settings"), data)

    assert response.status_code == 302
    settings = AgencySettings.load()
    assert (settings.uses_coordinators, settings.proposals_per_registrant_per_week) == (False, 2)
    assert list(AgencyEstablishment.objects.values_list("name", "postal_code")) == [
        ("新宿支店", "160-0023"),
    ]


@pytest.mark.django_db
def test_agency_admin_creates_a_staff_account_holding_both_sales_roles(client, agency_admin):
    client.force_login(agency_admin)
    response = client.post(
        reverse("staffing:staff_list"),
        {
            "email": "eigyo@agency.example.jp",
            "display_name": "営業 一郎",
            "roles": ["case_sales", "service_sales"],
            "password": "tsuki-to-umi-42",
        },
    )

    assert response.status_code == 302
    created = User.objects.get(email="eigyo@agency.example.jp")
    assert created.roles == {"case_sales", "service_sales"}
    assert not created.is_staff and not created.is_registrant
    assert created.check_password("tsuki-to-umi-42")
    assert AuditEvent.objects.get().actor == agency_admin


@pytest.mark.django_db
def test_only_agency_admins_create_staff_accounts(client, case_sales):
    client.force_login(case_sales)
    response = client.post(
        reverse("staffing:staff_list"),
        {
            "email": "x@agency.example.jp",
            "display_name": "x",
            "roles": ["agency_admin"],
            "password": "tsuki-to-umi-42",
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@agency.example.jp").exists()


@pytest.mark.django_db
def test_a_registrant_can_never_hold_a_staff_role():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create_user("both@example.jp", "x", is_registrant=True, is_coordinator=True)


@pytest.mark.django_db
def test_coordinator_workspace_disappears_when_the_agency_drops_coordinators(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("coordinators:workspace")).status_code == 200
    assert "コーディネーター業務" in [
        str(label) for label, _url in client.get("/").context["navigation"]
    ]

    AgencySettings.objects.filter(pk=AgencySettings.load().pk).update(uses_coordinators=False)

    assert client.get(reverse("coordinators:workspace")).status_code == 404
    assert "コーディネーター業務" not in [
        str(label) for label, _url in client.get("/").context["navigation"]
    ]
