"""Applying: one action, what happens next, nothing new the second time, and a blocked pair
explained instead of applied."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.models import Application, ApplicationEvent, Job, Status
from registrants.models import DirectEmployment
from staffing.models import Notification

from .conftest import page_text

FORMER_EMPLOYEE = (
    "離職後1年以内の元従業員（派遣法40条の9）：開始前1年以内にこのクライアントの法人に"
    "直接雇用されていました（2026-09-30 まで）。"
)


def _apply(client, job, *, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("jobs:apply", args=[job.pk]), headers=headers)


@pytest.mark.django_db
def test_applying_makes_the_application_and_says_what_happens_next(
    my_client, me, accounting_job, case_sales
):
    response = _apply(my_client, accounting_job)

    application = Application.objects.get()
    assert (application.job, application.registrant, application.status, application.origin) == (
        accounting_job,
        me,
        Status.APPLIED,
        Application.Origin.APPLIED,
    )
    assert list(application.events.values_list("from_status", "to_status", "by")) == [
        ("", "applied", me.user.pk)
    ]
    assert set(
        Notification.objects.filter(recipient=case_sales).values_list("kind", "channel")
    ) == {("application.applied", "in_app"), ("application.applied", "email")}
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="apply-panel"')
    assert page_text(response) == (
        "応募しました。このあとの流れは次のとおりです。 "
        "担当営業が社内選考を行います。この段階では派遣先にあなたのことは何も伝わりません。 "
        "選考を通過すると、案件の非公開情報（部署・チーム・募集の背景・選考スケジュール）が"
        "見られるようになり、担当営業に文面で何でも質問できます。 "
        "職場見学はあなたが希望した場合にだけ、担当営業が同席して行います。派遣先が見るのは"
        "匿名のスキルシートだけで、氏名・年齢・住所・写真・学歴は伝わりません。 "
        "どの段階でも、理由を添えて応募を取り下げられます。 応募の経過をすべて見る"
    )
    assert f'href="/me/applications/{application.pk}/"' in html


@pytest.mark.django_db
def test_without_htmx_applying_redirects_to_the_job_page_with_a_message(my_client, accounting_job):
    response = _apply(my_client, accounting_job, htmx=False)

    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[accounting_job.pk])
    page = my_client.get(response["Location"])
    text = page_text(page)
    applied_on = timezone.localtime(Application.objects.get().created_at).strftime("%Y-%m-%d")
    assert text.startswith("応募しました。このあとの流れは次のとおりです。 ← 仕事を探す")
    assert f"{applied_on} に応募しました。 現在の段階: 応募済み" in text


@pytest.mark.django_db
def test_applying_twice_does_nothing_new(my_client, accounting_job):
    _apply(my_client, accounting_job)

    response = _apply(my_client, accounting_job, htmx=False)
    page = my_client.get(response["Location"])

    assert Application.objects.count() == 1
    assert ApplicationEvent.objects.count() == 1
    assert "このお仕事には応募済みです。新たに送られたものはありません。" in page_text(page)


@pytest.mark.django_db
def test_applying_to_a_blocked_pair_explains_the_block_and_applies_nothing(
    my_client, me, accounting_job
):
    DirectEmployment.objects.create(
        registrant=me,
        employer_corporate_number=accounting_job.unit.establishment.client.corporate_number,
        employer_name="株式会社テスト",
        start=datetime.date(2020, 4, 1),
        end=datetime.date(2026, 9, 30),
    )

    page = page_text(my_client.get(reverse("jobs:detail", args=[accounting_job.pk])))
    response = _apply(my_client, accounting_job)

    assert Application.objects.count() == 0
    assert f"法律上、このお仕事にはご紹介できません： {FORMER_EMPLOYEE}" in page
    assert page_text(response) == (
        f"次の理由で、このお仕事には応募できません： {FORMER_EMPLOYEE} "
        "これは労働者派遣法の決まりによるもので、あなたへの評価ではありません。"
    )


@pytest.mark.django_db
def test_a_closed_case_takes_no_application(my_client, accounting_job):
    Job.objects.filter(pk=accounting_job.pk).update(status=Job.Status.CLOSED)

    response = _apply(my_client, accounting_job, htmx=False)
    page = my_client.get(response["Location"])

    assert Application.objects.count() == 0
    assert page_text(page).startswith("この仕事の募集は終了しました。 ← 仕事を探す")


@pytest.mark.django_db
def test_applying_on_the_job_page_answers_a_proposal(my_client, me, accounting_job, coordinator):
    from jobs import workflow

    proposal = workflow.start(
        job=accounting_job, registrant=me, status=Status.PROPOSED, by=coordinator
    )

    _apply(my_client, accounting_job)

    proposal.refresh_from_db()
    assert proposal.status == Status.APPLIED
    assert list(proposal.events.values_list("to_status", flat=True)) == ["proposed", "applied"]


@pytest.mark.django_db
def test_only_registrants_apply(client, case_sales, accounting_job):
    anonymous = client.post(reverse("jobs:apply", args=[accounting_job.pk]))
    client.force_login(case_sales)
    staff = client.post(reverse("jobs:apply", args=[accounting_job.pk]))
    get = client.get(reverse("jobs:apply", args=[accounting_job.pk]))

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert (staff.status_code, get.status_code) == (403, 405)
    assert Application.objects.count() == 0
