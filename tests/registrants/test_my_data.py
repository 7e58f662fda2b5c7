"""My data: see everything the agency holds, download it as JSON (logged), ask for deletion
(logged, agency admins told, nothing deleted at once)."""

import datetime
import json

import pytest
from django.urls import reverse

from jobs import workflow
from jobs.models import Status
from registrants.models import DirectEmployment, Dismissal, Registrant
from staffing.models import AuditEvent, Notification

from .conftest import page_text


@pytest.fixture
def history(me, accounting_job, case_sales):
    me.education = "〇〇大学 経済学部"
    me.save()
    DirectEmployment.objects.create(
        registrant=me,
        employer_corporate_number="7010001008844",
        employer_name="株式会社前職",
        start=datetime.date(2019, 4, 1),
        end=datetime.date(2023, 3, 31),
    )
    me.assignments.create(
        unit=accounting_job.unit,
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 12, 31),
        hourly_wage=1600,
        hourly_bill_rate=2300,
    )
    application = workflow.start(
        job=accounting_job, registrant=me, status=Status.APPLIED, by=me.user
    )
    workflow.transition(application, Status.SCREENING, by=case_sales, note="書類確認中")
    Dismissal.objects.create(
        registrant=me, job=accounting_job, reason=Dismissal.Reason.COMMUTE, note="遠い"
    )
    return application


@pytest.mark.django_db
def test_the_page_shows_everything_held(my_client, me, history):
    text = page_text(my_client.get(reverse("registrants:my_data")))

    for fact in [
        f"参照コード {me.ref}",
        "学歴 〇〇大学 経済学部",
        "生年月日 1990-04-01",
        "仕訳入力: 24 か月 (2026) 売掛金管理: 12 か月 (2026)",
        "株式会社前職 (7010001008844, 正社員) 2019-04-01 – 2023-03-31",
        "2024-01-01 – 2024-12-31, 時給 1,600 円",
        "経理事務（仕訳・売掛金） — 社内選考中",
        "社内選考中 (営業 太郎): 書類確認中",
        "経理事務（仕訳・売掛金） — 遠い: 遠い",
    ]:
        assert fact in text, fact
    assert "2,300" not in text  # the billing rate of a past assignment is the agency's business


@pytest.mark.django_db
def test_the_download_holds_everything_and_is_logged(my_client, me, history):
    response = my_client.get(reverse("registrants:export_data"))

    assert (
        response["Content-Disposition"] == f'attachment; filename="nakadachi-my-data-{me.ref}.json"'
    )
    data = json.loads(response.content)
    assert data["format"] == "nakadachi/registrant-data/v1"
    assert data["profile"]["education"] == "〇〇大学 経済学部"
    assert data["profile"]["birth_date"] == "1990-04-01"
    assert data["account"]["email"] == me.user.email
    assert [(d["code"], d["months"]) for d in data["duty_experience"]] == [
        ("journal_entry", 24),
        ("accounts_receivable", 12),
    ]
    assert data["employment_history"][0]["employer_name"] == "株式会社前職"
    assert data["assignments"][0] | {"client": None} == {
        "client": None,
        "establishment": "本社",
        "unit": "経理課",
        "job": None,
        "start": "2024-01-01",
        "end": "2024-12-31",
        "hourly_wage": 1600,
    }
    [application] = data["applications"]
    assert [(e["from"], e["to"], e["note"]) for e in application["events"]] == [
        ("", "applied", ""),
        ("applied", "screening", "書類確認中"),
    ]
    assert data["dismissals"][0]["reason"] == "commute"
    assert {n["kind"] for n in data["notifications"]} == {"application.screening"}
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.subject) == (me.user, f"registrant:{me.pk}")


@pytest.mark.django_db
def test_asking_for_deletion_is_logged_tells_the_admins_and_deletes_nothing(
    my_client, me, history, agency_admin
):
    refused = my_client.post(
        reverse("registrants:request_deletion"),
        {"delete-note": "退会します"},
        headers={"HX-Request": "true"},
    )
    response = my_client.post(
        reverse("registrants:request_deletion"),
        {"delete-note": "退会します", "delete-confirm": "on"},
        headers={"HX-Request": "true"},
    )

    assert "依頼を送るには、このチェックを入れてください。" in page_text(refused)
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE_REQUEST)
    assert (event.actor, event.subject, event.detail) == (
        me.user,
        f"registrant:{me.pk}",
        "退会します",
    )
    mails = Notification.objects.filter(recipient=agency_admin, kind="registrant.delete_request")
    assert sorted(mails.values_list("channel", flat=True)) == ["email", "in_app"]
    assert mails.first().subject == f"登録者 {me.ref} からデータ削除の依頼"
    assert "退会します" in mails.first().body
    assert Registrant.objects.filter(pk=me.pk).exists()
    text = page_text(response)
    assert text.startswith("依頼を送りました。何を削除し、法律上何を残すかを追ってお知らせします。")
    assert "に削除を依頼しました。現在確認中です。" in text
    assert "労働者派遣法37条" in text
