"""Proposals received: the same coverage, reasons and caveats as the job page; accept (“I want to
apply”) or decline with a reason."""

import datetime

import pytest
from django.urls import reverse

from jobs import workflow
from jobs.models import Application, Status
from registrants.models import DirectEmployment, Dismissal

from .conftest import page_text


@pytest.fixture
def proposal(accounting_job, me, coordinator):
    return workflow.start(
        job=accounting_job,
        registrant=me,
        status=Status.PROPOSED,
        by=coordinator,
        proposed_by=coordinator,
        proposal_message="売掛金の経験が活かせます。通勤は30分以内です。",
        caveats_stated=True,
    )


@pytest.mark.django_db
def test_the_list_shows_each_waiting_proposal_with_its_fit_and_number_of_catches(
    my_client, proposal
):
    text = page_text(my_client.get(reverse("registrants:proposals")))

    day = proposal.created_at.astimezone().strftime("%Y-%m-%d")
    assert (
        "経理事務（仕訳・売掛金） あなたとの適合度 78 /100 東京都千代田区 · 時給 1,700 円 · "
        f"{day} に 調整 花子 さんから提案 注意点 1件 提案を見て回答する"
    ) in text


@pytest.mark.django_db
def test_a_proposal_shows_the_same_coverage_reasons_and_caveats_as_the_job_page(
    my_client, proposal, accounting_job
):
    job_page = page_text(my_client.get(reverse("jobs:detail", args=[accounting_job.pk])))
    text = page_text(my_client.get(reverse("registrants:proposal", args=[proposal.pk])))

    assert "売掛金の経験が活かせます。通勤は30分以内です。" in text
    coverage = job_page.split("求める経験 ")[1].split(" 応募の前に")[0]
    fit = job_page.split("応募の前に ")[1].split(" コーディネーターからこのお仕事の提案")[0]
    assert coverage.startswith("業務 区分 必要な経験 あなたの経験 売掛金管理 必須 24 か月以上")
    assert f"求める経験 {coverage} 回答の前に {fit} あなたの回答" in text


@pytest.mark.django_db
def test_accepting_a_proposal_applies(my_client, proposal, case_sales):
    response = my_client.post(
        reverse("registrants:accept_proposal", args=[proposal.pk]), headers={"HX-Request": "true"}
    )

    proposal.refresh_from_db()
    assert proposal.status == Status.APPLIED
    assert list(proposal.events.values_list("to_status", "by")) == [
        ("proposed", proposal.proposed_by_id),
        ("applied", proposal.registrant.user_id),
    ]
    assert case_sales.notifications.filter(kind="application.applied").count() == 2
    assert page_text(response) == (
        "「応募したい」と回答しました。次は担当営業による社内選考です。 "
        "あなたの回答: 応募済み 応募の経過をすべて見る"
    )


@pytest.mark.django_db
def test_declining_a_proposal_needs_a_reason_and_it_is_not_proposed_again(
    my_client, me, proposal, accounting_job
):
    missing = my_client.post(
        reverse("registrants:decline_proposal", args=[proposal.pk]),
        {"decline-reason": ""},
        headers={"HX-Request": "true"},
    )
    response = my_client.post(
        reverse("registrants:decline_proposal", args=[proposal.pk]),
        {"decline-reason": "commute", "decline-note": "乗り換えが多い"},
        headers={"HX-Request": "true"},
    )

    field = missing.content.decode().split('for="id_decline-reason"')[1].split("</div>")[0]
    assert "このフィールドは必須です。" in field
    proposal.refresh_from_db()
    assert (proposal.status, proposal.stop_reason) == (Status.DECLINED, "遠い: 乗り換えが多い")
    assert list(Dismissal.objects.values_list("registrant", "job", "reason", "note")) == [
        (me.pk, accounting_job.pk, "commute", "乗り換えが多い")
    ]
    assert page_text(response).startswith(
        "提案を辞退しました。この案件が再び提案されることはありません。 あなたの回答: 辞退"
    )


@pytest.mark.django_db
def test_a_blocked_proposal_cannot_be_accepted_and_says_why(my_client, me, proposal):
    DirectEmployment.objects.create(
        registrant=me,
        employer_corporate_number=proposal.job.unit.establishment.client.corporate_number,
        employer_name="株式会社テスト",
        start=datetime.date(2020, 4, 1),
        end=datetime.date(2026, 9, 30),
    )

    page = page_text(my_client.get(reverse("registrants:proposal", args=[proposal.pk])))
    response = my_client.post(
        reverse("registrants:accept_proposal", args=[proposal.pk]), headers={"HX-Request": "true"}
    )

    assert "応募したい" not in page
    assert Application.objects.get().status == Status.PROPOSED
    assert page_text(response).startswith(
        "次の理由で、このお仕事には応募できません： 離職後1年以内の元従業員（派遣法40条の9）"
    )


@pytest.mark.django_db
def test_an_application_the_registrant_made_is_not_a_proposal(my_client, me, accounting_job):
    application = workflow.start(
        job=accounting_job, registrant=me, status=Status.APPLIED, by=me.user
    )

    assert my_client.get(reverse("registrants:proposal", args=[application.pk])).status_code == 404
