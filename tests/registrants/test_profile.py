"""Profile: inline editing with the message next to the field, duty experience added by searching
the taxonomy, and every change reranking the registrant's matches."""

import datetime

import pytest
from django.urls import reverse

from jobs.models import Duty, DutyCategory, Match, Qualification, Skill
from registrants.models import DirectEmployment, DutyExperience, Registrant

from .conftest import page_text

HTMX = {"HX-Request": "true"}


def _field_errors(response, field_id: str) -> str:
    """The text right after the field's label: where its error is shown."""
    html = response.content.decode()
    return html.split(f'for="{field_id}"')[1].split("<label")[0]


def _save(client, section, data, *, htmx=True):
    return client.post(
        reverse("registrants:profile_section", args=[section]),
        {f"{section}-{name}": value for name, value in data.items()},
        headers=HTMX if htmx else {},
    )


@pytest.mark.django_db
def test_edit_opens_the_form_in_place_and_cancel_closes_it(my_client):
    url = reverse("registrants:profile_section", args=["contact"])

    editing = my_client.get(url + "?edit=1", headers=HTMX)
    showing = my_client.get(url, headers=HTMX)
    without_htmx = my_client.get(url + "?edit=1")

    assert editing.content.decode().lstrip().startswith('<section id="section-contact"')
    assert 'name="contact-postal_code" value="150-0002"' in editing.content.decode()
    assert "<form" not in showing.content.decode()
    assert without_htmx["Location"] == "/me/profile/?edit=contact#section-contact"
    full_page = my_client.get(without_htmx["Location"]).content.decode()
    assert 'name="contact-postal_code"' in full_page and "<html" in full_page


@pytest.mark.django_db
def test_a_new_postal_code_brings_its_prefecture_and_city(
    my_client, me, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _save(
            my_client,
            "contact",
            {"phone": "03-1234-5678", "postal_code": "2200011", "nearest_station": "横浜駅"},
        )

    me.refresh_from_db()
    assert (me.phone, me.postal_code, me.prefecture, me.city, me.nearest_station) == (
        "03-1234-5678",
        "220-0011",
        "神奈川県",
        "横浜市西区",
        "横浜駅",
    )
    assert page_text(response) == (
        "連絡先とお住まい 編集 保存しました。おすすめを更新しています。 "
        f"氏名 {me.full_name} (ヤマダ ハナコ) メールアドレス {me.email} "
        "電話番号 03-1234-5678 郵便番号 220-0011 神奈川県横浜市西区 最寄り駅 横浜駅"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("section", "data", "field", "message"),
    [
        (
            "contact",
            {"postal_code": "999-9999"},
            "postal_code",
            "郵便番号 999-9999 が見つかりません。ご確認ください。",
        ),
        (
            "conditions",
            {"contract_months_min": "6", "contract_months_max": "3"},
            "contract_months_max",
            "最長の契約期間は最短（6か月）より短くできません。",
        ),
        (
            "conditions",
            {"max_commute_minutes": "500"},
            "max_commute_minutes",
            "5〜240分で入力してください。",
        ),
        (
            "availability",
            {"available_from": "2027-02-30"},
            "available_from",
            "日付を正しく入力してください。",
        ),
    ],
)
def test_bad_input_is_explained_next_to_its_field_and_nothing_is_saved(
    my_client, me, section, data, field, message
):
    before = Registrant.objects.filter(pk=me.pk).values().get()

    response = _save(my_client, section, data)

    assert message in _field_errors(response, f"id_{section}-{field}")
    assert Registrant.objects.filter(pk=me.pk).values().get() == before


@pytest.mark.django_db
def test_conditions_skills_availability_and_contact_preferences_are_saved(my_client, me):
    _save(
        my_client,
        "conditions",
        {
            "desired_duty_categories": [DutyCategory.objects.get(code="accounting").pk],
            "min_hourly_wage": "1600",
            "max_commute_minutes": "45",
            "contract_months_min": "6",
            "contract_months_max": "12",
            "desired_days": "月〜金",
            "desired_hours": "9:00〜17:00",
            "transport_allowance_required": "on",
        },
    )
    skill, qualification = (
        Skill.objects.get(code="excel_pivot"),
        Qualification.objects.get(code="boki_2"),
    )
    _save(my_client, "skills", {"skills": [skill.pk], "qualifications": [qualification.pk]})
    _save(my_client, "availability", {"available_from": "2027-01-04", "accepts_concurrent": "on"})
    _save(
        my_client,
        "preferences",
        {
            "accepts_proposals": "",
            "contact_by_email": "on",
            "contact_by_phone": "on",
            "alert_frequency": "daily",
            "alert_min_score": "70",
        },
    )

    me.refresh_from_db()
    assert (
        me.min_hourly_wage,
        me.max_commute_minutes,
        me.contract_months_min,
        me.contract_months_max,
        me.desired_days,
        me.desired_hours,
        me.transport_allowance_required,
        me.available_from,
        me.accepts_concurrent,
        me.accepts_proposals,
        me.contact_by_phone,
        me.alert_frequency,
        me.alert_min_score,
    ) == (1600, 45, 6, 12, "月〜金", "9:00〜17:00", True, datetime.date(2027, 1, 4), True, False,
          True, "daily", 70)  # fmt: skip
    assert [c.code for c in me.desired_duty_categories.all()] == ["accounting"]
    assert list(me.skills.all()) == [skill]
    assert list(me.qualifications.all()) == [qualification]


@pytest.mark.django_db
def test_without_htmx_a_saved_section_redirects_to_it(my_client):
    response = _save(my_client, "availability", {"available_from": "2027-03-01"}, htmx=False)

    assert response.status_code == 302
    assert response["Location"] == "/me/profile/#section-availability"


@pytest.mark.django_db
def test_a_duty_is_found_by_searching_the_taxonomy_in_either_language(my_client):
    japanese = my_client.get(reverse("registrants:duty_search"), {"duty_q": "請求"}, headers=HTMX)
    english = my_client.get(reverse("registrants:duty_search"), {"duty_q": "invoic"}, headers=HTMX)
    nothing = my_client.get(reverse("registrants:duty_search"), {"duty_q": "宇宙"}, headers=HTMX)

    invoicing = Duty.objects.get(code="invoicing")
    assert page_text(japanese) == "業務 請求書発行 経理"
    assert f'<input type="radio" name="experience-duty" value="{invoicing.pk}">' in (
        japanese.content.decode()
    )
    assert page_text(english) == "業務 請求書発行 経理"
    assert (
        page_text(nothing)
        == "業務 「宇宙」に当てはまる業務はありません。短い言葉で試してください。"
    )


@pytest.mark.django_db
def test_adding_a_duty_with_its_months(my_client, me):
    invoicing = Duty.objects.get(code="invoicing")

    missing = my_client.post(
        reverse("registrants:add_experience"),
        {"experience-months": "0", "duty_q": "請求"},
        headers=HTMX,
    )
    added = my_client.post(
        reverse("registrants:add_experience"),
        {
            "experience-duty": invoicing.pk,
            "experience-months": "18",
            "experience-last_year": "2025",
        },
        headers=HTMX,
    )

    text = page_text(missing)
    assert "検索結果から業務を選んでください。" in text
    assert "請求書発行 経理" in text  # the search results are still there to choose from
    assert "この値は 1 以上でなければなりません。" in _field_errors(missing, "id_experience-months")
    assert DutyExperience.objects.get(registrant=me, duty=invoicing).months == 18
    assert "業務経験 保存しました。おすすめを更新しています。" in page_text(added)


@pytest.mark.django_db
def test_correcting_and_removing_experience(my_client, me):
    journal = Duty.objects.get(code="journal_entry")
    receivable = Duty.objects.get(code="accounts_receivable")
    prefix = f"exp-{journal.pk}"

    bad = my_client.post(
        reverse("registrants:update_experience", args=[journal.pk]),
        {f"{prefix}-duty": journal.pk, f"{prefix}-months": "", f"{prefix}-last_year": "2026"},
        headers=HTMX,
    )
    my_client.post(
        reverse("registrants:update_experience", args=[journal.pk]),
        {f"{prefix}-duty": journal.pk, f"{prefix}-months": "30", f"{prefix}-last_year": "2026"},
        headers=HTMX,
    )
    my_client.post(reverse("registrants:remove_experience", args=[receivable.pk]), headers=HTMX)

    assert "このフィールドは必須です。" in _field_errors(bad, f"id_{prefix}-months")
    assert list(me.experiences.values_list("duty__code", "months")) == [("journal_entry", 30)]


@pytest.mark.django_db
def test_employment_history_checks_the_corporate_number_and_the_dates(my_client, me):
    bad = my_client.post(
        reverse("registrants:add_employment"),
        {
            "employment-employer_name": "株式会社前職",
            "employment-employer_corporate_number": "1234567890123",
            "employment-employment_type": "regular",
            "employment-start": "2024-04-01",
            "employment-end": "2023-03-31",
        },
        headers=HTMX,
    )
    good = my_client.post(
        reverse("registrants:add_employment"),
        {
            "employment-employer_name": "株式会社前職",
            "employment-employer_corporate_number": "7010001008844",
            "employment-employment_type": "contract",
            "employment-start": "2019-04-01",
            "employment-end": "2023-03-31",
        },
        headers=HTMX,
    )

    assert "チェックデジットが一致しません" in _field_errors(
        bad, "id_employment-employer_corporate_number"
    )
    assert "終了日は開始日より前にできません。" in _field_errors(bad, "id_employment-end")
    assert list(
        DirectEmployment.objects.values_list("registrant", "employer_name", "start", "end")
    ) == [(me.pk, "株式会社前職", datetime.date(2019, 4, 1), datetime.date(2023, 3, 31))]
    assert "株式会社前職 (契約社員) 2019-04-01 – 2023-03-31" in page_text(good)


@pytest.mark.django_db
def test_every_change_reranks_the_registrant(
    my_client, me, accounting_job, django_capture_on_commit_callbacks
):
    my_client.get(reverse("registrants:matches"))
    assert Match.objects.get(registrant=me, job=accounting_job).score == 77.5
    receivable = Duty.objects.get(code="accounts_receivable")

    with django_capture_on_commit_callbacks(execute=True):
        my_client.post(
            reverse("registrants:update_experience", args=[receivable.pk]),
            {
                f"exp-{receivable.pk}-duty": receivable.pk,
                f"exp-{receivable.pk}-months": "24",
                f"exp-{receivable.pk}-last_year": "2026",
            },
            headers=HTMX,
        )

    match = Match.objects.get(registrant=me, job=accounting_job)
    assert (match.score, match.caveats) == (90.0, [])


@pytest.mark.django_db
def test_a_duty_search_without_htmx_opens_the_profile_with_the_results(my_client):
    response = my_client.get(reverse("registrants:duty_search"), {"duty_q": "請求&x"})

    assert response["Location"] == (
        "/me/profile/?edit=experience&duty_q=%E8%AB%8B%E6%B1%82%26x#section-experience"
    )


def _actions(me):
    journal = Duty.objects.get(code="journal_entry")
    invoicing = Duty.objects.get(code="invoicing")
    return {
        "contact": (
            reverse("registrants:profile_section", args=["contact"]),
            {"contact-postal_code": "100-0005"},
        ),
        "conditions": (
            reverse("registrants:profile_section", args=["conditions"]),
            {"conditions-min_hourly_wage": "1700"},
        ),
        "availability": (
            reverse("registrants:profile_section", args=["availability"]),
            {"availability-accepts_concurrent": "on"},
        ),
        "skills": (reverse("registrants:profile_section", args=["skills"]), {}),
        "preferences": (
            reverse("registrants:profile_section", args=["preferences"]),
            {"preferences-alert_frequency": "off", "preferences-alert_min_score": "60"},
        ),
        "add experience": (
            reverse("registrants:add_experience"),
            {"experience-duty": invoicing.pk, "experience-months": "3"},
        ),
        "correct experience": (
            reverse("registrants:update_experience", args=[journal.pk]),
            {f"exp-{journal.pk}-duty": journal.pk, f"exp-{journal.pk}-months": "30"},
        ),
        "remove experience": (reverse("registrants:remove_experience", args=[journal.pk]), {}),
        "add employment": (
            reverse("registrants:add_employment"),
            {
                "employment-employer_name": "株式会社前職",
                "employment-employer_corporate_number": "7010001008844",
                "employment-employment_type": "regular",
                "employment-start": "2019-04-01",
            },
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action",
    [
        "contact",
        "conditions",
        "availability",
        "skills",
        "preferences",
        "add experience",
        "correct experience",
        "remove experience",
        "add employment",
    ],
)
def test_every_profile_change_reranks_once(
    my_client, me, accounting_job, action, django_capture_on_commit_callbacks
):
    url, data = _actions(me)[action]
    assert not Match.objects.filter(registrant=me).exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = my_client.post(url, data, headers=HTMX)

    assert "保存しました。おすすめを更新しています。" in page_text(response)
    assert len(callbacks) == 1
    assert list(Match.objects.filter(registrant=me).values_list("job", flat=True)) == [
        accounting_job.pk
    ]
