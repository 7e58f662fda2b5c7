"""“Jobs for you”: the registrant's ranked matches with reasons and caveats; dismissing one with a
reason takes it off the list for good."""

import datetime

import pytest
from django.urls import reverse

from jobs import workflow
from jobs.models import Job, Match, Status
from registrants.models import Dismissal

from .conftest import START, make_job, page_text


@pytest.fixture
def second_job(db):
    return make_job(
        title="経理補助（仕訳のみ）",
        hourly_wage=1400,
        start=START,
        end=datetime.date(2027, 6, 30),
        required={"journal_entry": 6},
    )


def _titles(response) -> list[str]:
    return [row["match"].job.title for row in response.context["rows"]]


@pytest.mark.django_db
def test_matches_are_ranked_with_their_reasons_and_caveats(my_client, accounting_job, second_job):
    response = my_client.get(reverse("registrants:matches"))

    assert _titles(response) == ["経理補助（仕訳のみ）", "経理事務（仕訳・売掛金）"]
    text = page_text(response)
    assert (
        "経理補助（仕訳のみ） あなたとの適合度 97 /100 東京都千代田区 · 時給 1,400 円 · "
        "2027-01-04 – 2027-06-30 (約6か月) 注意点 時給 1,400 円は希望の 1,500 円を下回ります。"
    ) in text
    assert (
        "経理事務（仕訳・売掛金） あなたとの適合度 78 /100 東京都千代田区 · 時給 1,700 円 · "
        "2027-01-04 – 2027-12-31 (約12か月) "
        "注意点 売掛金管理：必要な 24 か月に対し経験は 12 か月です。"
    ) in text
    assert "この点数の理由 必須業務の経験 37.5 / 50" in text


@pytest.mark.django_db
def test_dismissed_applied_blocked_and_closed_cases_are_not_listed(
    my_client, me, accounting_job, second_job
):
    dismissed = make_job(title="経理 興味なし", required={"journal_entry": 12})
    Dismissal.objects.create(registrant=me, job=dismissed, reason=Dismissal.Reason.PAY)
    applied = make_job(title="経理 応募済み", required={"journal_entry": 12})
    workflow.start(job=applied, registrant=me, status=Status.APPLIED, by=me.user)
    closed = make_job(title="経理 終了", required={"journal_entry": 12})
    blocked = make_job(title="経理 抵触日", required={"journal_entry": 12})
    blocked.unit.establishment.conflict_date = datetime.date(2027, 3, 1)
    blocked.unit.establishment.save()
    my_client.get(reverse("registrants:matches"))  # ranks while all are open
    Job.objects.filter(pk=closed.pk).update(status=Job.Status.CLOSED)

    response = my_client.get(reverse("registrants:matches"))

    assert _titles(response) == ["経理補助（仕訳のみ）", "経理事務（仕訳・売掛金）"]
    assert not Match.objects.filter(registrant=me, job=blocked, eligible=True).exists()


@pytest.mark.django_db
def test_dismissing_a_match_records_the_reason_and_takes_it_off_the_list(
    my_client, me, accounting_job, second_job
):
    my_client.get(reverse("registrants:matches"))

    response = my_client.post(
        reverse("registrants:dismiss", args=[second_job.pk]),
        {
            f"dismiss-{second_job.pk}-reason": "pay",
            f"dismiss-{second_job.pk}-note": "1,500円以上で",
        },
        headers={"HX-Request": "true"},
    )

    assert page_text(response) == "「経理補助（仕訳のみ）」は今後表示も提案もされません。"
    assert list(Dismissal.objects.values_list("registrant", "job", "reason", "note")) == [
        (me.pk, second_job.pk, "pay", "1,500円以上で")
    ]
    assert _titles(my_client.get(reverse("registrants:matches"))) == ["経理事務（仕訳・売掛金）"]


@pytest.mark.django_db
def test_dismissing_for_another_reason_asks_for_a_few_words(my_client, accounting_job):
    my_client.get(reverse("registrants:matches"))
    prefix = f"dismiss-{accounting_job.pk}"

    fragment = my_client.post(
        reverse("registrants:dismiss", args=[accounting_job.pk]),
        {f"{prefix}-reason": "other", f"{prefix}-note": ""},
        headers={"HX-Request": "true"},
    )
    page = my_client.post(
        reverse("registrants:dismiss", args=[accounting_job.pk]),
        {f"{prefix}-reason": "other", f"{prefix}-note": ""},
    )

    assert Dismissal.objects.count() == 0
    for response in (fragment, page):
        html = response.content.decode()
        note = html.split(f'for="id_{prefix}-note"')[1].split("</div>")[0]
        assert '<ul class="errorlist" id="id_' in note and "理由をひとこと書いてください。" in note
    assert (
        fragment.content.decode()
        .lstrip()
        .startswith(f'<article class="card match-card" id="match-{accounting_job.pk}"')
    )


@pytest.mark.django_db
def test_without_htmx_dismissing_redirects_back_with_a_message(my_client, accounting_job):
    my_client.get(reverse("registrants:matches"))

    response = my_client.post(
        reverse("registrants:dismiss", args=[accounting_job.pk]),
        {f"dismiss-{accounting_job.pk}-reason": "commute"},
    )

    assert response.status_code == 302 and response["Location"] == reverse("registrants:matches")
    text = page_text(my_client.get(response["Location"]))
    assert text.startswith("「経理事務（仕訳・売掛金）」は今後表示も提案もされません。")


@pytest.mark.django_db
def test_a_registrant_cannot_dismiss_a_case_that_is_not_among_their_matches(my_client, db):
    elsewhere = make_job(title="無関係", required={"forklift": 24})

    response = my_client.post(
        reverse("registrants:dismiss", args=[elsewhere.pk]),
        {f"dismiss-{elsewhere.pk}-reason": "pay"},
    )

    assert response.status_code == 404
    assert Dismissal.objects.count() == 0
