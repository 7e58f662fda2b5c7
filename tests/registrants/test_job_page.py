"""The job page: every public field, each duty with its months, and — for a logged-in registrant —
their coverage, score, reasons and every caveat before they apply (DOMAIN.md failures 4, 5)."""

import datetime

import pytest
from django.urls import reverse

from jobs.models import Job

from .conftest import START, make_job, page_text


@pytest.mark.django_db
def test_anyone_sees_every_public_field_and_each_duty_with_its_minimum_months(
    client, accounting_job
):
    accounting_job.work_days = "月〜金"
    accounting_job.work_hours = "9:00〜17:30"
    accounting_job.place = "東京駅 徒歩3分"
    accounting_job.dress_code = "オフィスカジュアル"
    accounting_job.info_valid_on = datetime.date(2026, 11, 20)
    accounting_job.save()

    text = page_text(client.get(reverse("jobs:detail", args=[accounting_job.pk])))

    for fact in [
        "経理事務（仕訳・売掛金） 募集中 2026-11-20 時点の情報",
        "給与 時給 1,700 円 交通費 全額支給 勤務地 東京都千代田区 東京駅 徒歩3分",
        "期間 2027-01-04 – 2027-12-31 (約12か月) · 更新あり",
        "勤務曜日 月〜金 勤務時間 9:00〜17:30 服装 オフィスカジュアル 募集人数 1",
        "仕訳入力と売掛金管理を担当していただきます。",
        "業務 区分 必要な経験 "
        "売掛金管理 必須 24 か月以上 仕訳入力 必須 12 か月以上 "
        "月次決算補助 歓迎 経験があれば期間は問わない",
        "ログインすると、各要件をあなたの経験がどこまで満たしているかを確認できます。",
        "応募の流れ 担当営業が社内選考を行います。",
        "ログインして応募する",
    ]:
        assert fact in text, fact


@pytest.mark.django_db
def test_the_public_never_sees_the_confidential_part_or_the_client(client, accounting_job):
    text = page_text(client.get(reverse("jobs:detail", args=[accounting_job.pk])))

    for secret in [
        "財務経理部",
        "売掛金チーム",
        "産休代替",
        "勘定奉行の経験者",
        "2,600",
        "株式会社テスト",
    ]:
        assert secret not in text, secret
    assert "あなたとの適合度" not in text


@pytest.mark.django_db
def test_a_registrant_sees_coverage_score_reasons_and_caveats_before_applying(
    my_client, accounting_job
):
    text = page_text(my_client.get(reverse("jobs:detail", args=[accounting_job.pk])))

    assert (
        "業務 区分 必要な経験 あなたの経験 "
        "売掛金管理 必須 24 か月以上 ✗ 満たしていません (12 か月) "
        "仕訳入力 必須 12 か月以上 ✓ 満たしています (24 か月) "
        "月次決算補助 歓迎 経験があれば期間は問わない ✗ 満たしていません (0 か月)"
    ) in text
    assert (
        "応募の前に あなたとの適合度 78 /100 "
        "応募前に知っておいてほしい注意点： 売掛金管理：必要な 24 か月に対し経験は 12 か月です。 "
        "この点数の理由 必須業務の経験 37.5 / 50 歓迎業務の経験 0.0 / 10 スキル・資格 10.0 / 10 "
        "経験の新しさ 5.0 / 5 希望時給との比較 10.0 / 10 通勤 7.0 / 7 "
        "契約期間 4.0 / 4 開始日 4.0 / 4"
    ) in text
    assert text.endswith("どの段階でも、理由を添えて応募を取り下げられます。 応募する")


@pytest.mark.django_db
def test_far_no_allowance_short_case_shows_each_catch_on_its_page(my_client, me):
    me.max_commute_minutes = 45
    me.contract_months_min = 6
    me.save()
    far = make_job(
        title="経理事務（短期・遠方）",
        hourly_wage=1550,
        transport_allowance=Job.TransportAllowance.NONE,
        postal_code="320-0806",
        prefecture="栃木県",
        city="宇都宮市",
        start=START,
        end=START + datetime.timedelta(days=59),
        employment_contract_days=60,
        required={"journal_entry": 12},
    )

    text = page_text(my_client.get(reverse("jobs:detail", args=[far.pk])))

    caveats = text.split("応募前に知っておいてほしい注意点：")[1].split("この点数の理由")[0]
    assert caveats.strip() == (
        "交通費の支給がありません。 "
        "通勤は約 204 分で、希望の 45 分より長くなります。 "
        "契約期間は 2 か月で、希望の 6 か月より短いです。"
    )
    assert text.endswith("応募する")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (Job.Status.FILLED, "このお仕事は充足したため、応募の受付を終了しました。"),
        (Job.Status.CLOSED, "このお仕事は募集を終了しました。応募はできません。"),
    ],
)
def test_filled_or_closed_cases_say_so_instead_of_disappearing(
    my_client, accounting_job, status, sentence
):
    Job.objects.filter(pk=accounting_job.pk).update(status=status)

    text = page_text(my_client.get(reverse("jobs:detail", args=[accounting_job.pk])))

    assert sentence in text
    assert "このお仕事は応募を受け付けていません。 ほかのお仕事を探す" in text
    assert "応募する" not in text


@pytest.mark.django_db
def test_draft_and_paused_cases_are_not_there(client, accounting_job):
    for status in (Job.Status.DRAFT, Job.Status.PAUSED):
        Job.objects.filter(pk=accounting_job.pk).update(status=status)

        assert client.get(reverse("jobs:detail", args=[accounting_job.pk])).status_code == 404
