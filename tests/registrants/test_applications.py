"""My applications: each with a timeline of its steps (who, when), withdraw at any step with a
reason, ask for a workplace visit after screening, and answer an offer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs import services as job_services
from jobs import workflow
from jobs.models import Application, Assignment, Job, Status

from .conftest import move, page_text


@pytest.fixture
def application(accounting_job, me):
    return workflow.start(job=accounting_job, registrant=me, status=Status.APPLIED, by=me.user)


def _at(event) -> str:
    return timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")


@pytest.mark.django_db
def test_the_list_shows_each_application_with_its_current_step(my_client, application):
    text = page_text(my_client.get(reverse("registrants:applications")))

    day = timezone.localtime(application.status_changed_at).strftime("%Y-%m-%d")
    assert text == (
        f"応募状況 お仕事 現在の段階 この段階になった日 経理事務（仕訳・売掛金） 応募済み {day}"
    )


@pytest.mark.django_db
def test_the_timeline_says_who_moved_each_step_and_when(my_client, application, case_sales):
    move(application, Status.SCREENING, by=case_sales)
    applied, screening = application.events.all()

    text = page_text(my_client.get(reverse("registrants:application", args=[application.pk])))

    assert (
        f"これまでの経過 応募済み {_at(applied)} · あなた "
        f"社内選考中 {_at(screening)} · 営業 太郎 ok"
    ) in text


@pytest.mark.django_db
def test_withdrawing_needs_a_reason_next_to_its_field(my_client, application):
    response = my_client.post(
        reverse("registrants:withdraw", args=[application.pk]),
        {"withdraw-reason": "  "},
        headers={"HX-Request": "true"},
    )

    application.refresh_from_db()
    assert application.status == Status.APPLIED
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="application"')
    field = html.split('for="id_withdraw-reason"')[1].split("</div>")[0]
    assert "理由を入力してください。" in field


@pytest.mark.django_db
def test_withdrawing_at_any_step_records_the_reason_and_tells_the_sales_rep(
    my_client, application, case_sales
):
    move(application, Status.SCREENING, Status.PASSED, by=case_sales)

    response = my_client.post(
        reverse("registrants:withdraw", args=[application.pk]),
        {"withdraw-reason": "他社で決まりました"},
        headers={"HX-Request": "true"},
    )

    application.refresh_from_db()
    assert (application.status, application.stop_reason) == (Status.WITHDRAWN, "他社で決まりました")
    last = application.events.last()
    assert (last.from_status, last.to_status, last.by, last.note) == (
        "passed",
        "withdrawn",
        application.registrant.user,
        "他社で決まりました",
    )
    assert case_sales.notifications.filter(kind="application.withdrawn").count() == 2
    text = page_text(response)
    assert text.startswith(
        "応募を取り下げました。担当営業に伝わります。 現在の段階: 取り下げ 理由: 他社で決まりました"
    )
    assert "応募を取り下げる" not in text


@pytest.mark.django_db
def test_without_htmx_withdrawing_redirects_to_the_application(my_client, application):
    response = my_client.post(
        reverse("registrants:withdraw", args=[application.pk]),
        {"withdraw-reason": "条件が合わない"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("registrants:application", args=[application.pk])


@pytest.mark.django_db
def test_a_workplace_visit_is_asked_for_only_after_screening(my_client, application, case_sales):
    before = page_text(my_client.get(reverse("registrants:application", args=[application.pk])))
    refused = my_client.post(
        reverse("registrants:request_visit", args=[application.pk]),
        {"visit-note": ""},
        headers={"HX-Request": "true"},
    )
    move(application, Status.SCREENING, Status.PASSED, by=case_sales)
    after = page_text(my_client.get(reverse("registrants:application", args=[application.pk])))

    response = my_client.post(
        reverse("registrants:request_visit", args=[application.pk]),
        {"visit-note": "火曜か木曜の午後"},
        headers={"HX-Request": "true"},
    )

    assert "職場見学を申し込む" not in before and "職場見学を申し込む" in after
    assert page_text(refused).startswith(
        "「応募済み」の応募を「職場見学の希望あり」にすることはできません。 現在の段階: 応募済み"
    )
    application.refresh_from_db()
    assert application.status == Status.VISIT_REQUESTED
    assert application.events.last().note == "火曜か木曜の午後"
    assert page_text(response).startswith(
        "職場見学を申し込みました。担当営業が日程を調整し、同席します。"
    )


@pytest.mark.django_db
def test_accepting_an_offer_makes_the_assignment(my_client, application, case_sales):
    move(application, Status.SCREENING, Status.PASSED, by=case_sales)
    job_services.make_offer(
        application=application,
        by=case_sales,
        start=datetime.date(2027, 1, 4),
        end=datetime.date(2027, 6, 30),
        hourly_wage=1750,
        bill_rate=2600,
    )
    offer = page_text(my_client.get(reverse("registrants:application", args=[application.pk])))

    response = my_client.post(
        reverse("registrants:accept_offer", args=[application.pk]), headers={"HX-Request": "true"}
    )

    assert "就業条件の提示 期間 2027-01-04 – 2027-06-30 給与 時給 1,750 円" in offer
    assert "派遣料金（派遣法34条の2） 時給2,600円" in offer  # told before hiring: 派遣法34条の2
    assignment = Assignment.objects.get()
    assert (assignment.start, assignment.end, assignment.hourly_wage) == (
        datetime.date(2027, 1, 4),
        datetime.date(2027, 6, 30),
        1750,
    )
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert Job.objects.get(pk=application.job_id).status == Job.Status.FILLED
    assert page_text(response).startswith("条件を承諾しました。就業が決まりました。")


@pytest.mark.django_db
def test_declining_an_offer_needs_a_reason(my_client, application, case_sales):
    move(application, Status.SCREENING, Status.PASSED, by=case_sales)
    job_services.make_offer(
        application=application,
        by=case_sales,
        start=datetime.date(2027, 1, 4),
        end=datetime.date(2027, 6, 30),
        hourly_wage=1750,
        bill_rate=2600,
    )

    my_client.post(
        reverse("registrants:decline_offer", args=[application.pk]), {"decline-reason": ""}
    )
    my_client.post(
        reverse("registrants:decline_offer", args=[application.pk]),
        {"decline-reason": "通勤が長すぎる"},
    )

    application.refresh_from_db()
    assert (application.status, application.stop_reason) == (Status.DECLINED, "通勤が長すぎる")
    assert Application.objects.get().events.count() == 5
