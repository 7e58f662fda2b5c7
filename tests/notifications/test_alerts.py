"""Job alerts: exactly the eligible new matches, with reasons and caveats, and a signed link."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from jobs import workflow
from jobs.models import Job, Status
from registrants import alerts
from registrants.models import AlertedJob, Dismissal, Registrant
from registrants.tasks import task_send_job_alerts
from staffing.models import Notification
from tests.factories import JobFactory, UserFactory

from .helpers import at, match, registrant

pytestmark = pytest.mark.django_db

NO_ALLOWANCE = {"code": "no_transport_allowance", "params": {}}
LONG_COMMUTE = {"code": "long_commute", "params": {"minutes": 80, "max": 60}}
INDIVIDUAL_LIMIT = {
    "code": "individual_limit",
    "params": {"chain_start": "2024-04-01", "conflict_date": "2027-04-01"},
}


def _compose(person, period="2026-11-27", frequency="daily"):
    return alerts.compose_digests(registrant_ids=[person.pk], frequency=frequency, period=period)


def _digest(person) -> Notification:
    return Notification.objects.get(recipient=person.user, channel="email", kind="job_alert")


def test_a_digest_lists_exactly_the_eligible_new_matches_above_the_threshold():
    person = registrant(alert_min_score=60)
    best = match(
        registrant=person,
        job=JobFactory(title="経理事務A", hourly_wage=1800),
        score=85.4,
        caveats=[NO_ALLOWANCE, LONG_COMMUTE],
        factors={"required_duties": 40.0, "commute": 2.0, "pay": 15.0, "skills": 0.0},
    )
    second = match(registrant=person, job=JobFactory(title="経理事務B"), score=70)
    match(registrant=person, job=JobFactory(title="低い一致度"), score=55)
    match(
        registrant=person,
        job=JobFactory(title="抵触する案件"),
        score=90,
        eligible=False,
        blocks=[INDIVIDUAL_LIMIT],
    )
    inconsistent = match(registrant=person, job=JobFactory(title="ブロック付き"), score=90)
    inconsistent.blocks = [INDIVIDUAL_LIMIT]
    inconsistent.save()
    dismissed = match(registrant=person, job=JobFactory(title="見送った案件"), score=95)
    Dismissal.objects.create(registrant=person, job=dismissed.job, reason="pay")
    applied = match(registrant=person, job=JobFactory(title="応募済みの案件"), score=95)
    workflow.start(job=applied.job, registrant=person, status=Status.APPLIED, by=person.user)
    proposed = match(registrant=person, job=JobFactory(title="打診中の案件"), score=95)
    workflow.start(job=proposed.job, registrant=person, status=Status.PROPOSED, by=None)
    match(registrant=person, job=JobFactory(title="締め切った案件", status=Job.Status.FILLED))
    already = match(registrant=person, job=JobFactory(title="前回お知らせ済み"), score=99)
    AlertedJob.objects.create(registrant=person, job=already.job, digest="earlier")
    match(registrant=registrant(), job=JobFactory(title="他の人の案件"), score=99)

    assert _compose(person) == 1

    digest = _digest(person)
    assert digest.subject == "あなたに合う新着のお仕事 2件"
    titles = [line[2:] for line in digest.body.splitlines() if line.startswith("■ ")]
    assert titles == ["経理事務A", "経理事務B"]
    assert "  一致度：85点 — 合う理由：必須業務の経験、希望時給との比較、通勤\n" in digest.body
    assert "  注意点：交通費の支給がありません。\n" in digest.body
    assert "  注意点：通勤は約 80 分で、希望の 60 分より長くなります。\n" in digest.body
    assert f"http://127.0.0.1:8000/jobs/{best.job_id}/" in digest.body
    assert digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = digest.headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://127.0.0.1:8000/alerts/")
    assert alerts.registrant_for_token(link.split("/")[-2]) == person
    assert f"頻度の変更・配信停止（ログイン不要）： {link}\n" in digest.body
    assert set(AlertedJob.objects.filter(digest__startswith="job-alert").values_list("job_id")) == {
        (best.job_id,),
        (second.job_id,),
    }
    assert Notification.objects.filter(recipient=person.user, kind="job_alert").count() == 2


def test_a_case_is_alerted_once_and_the_next_digest_has_only_what_is_new():
    person = registrant()
    first = match(registrant=person, job=JobFactory(title="最初の案件"))
    _compose(person, period="2026-11-27")

    assert _compose(person, period="2026-11-28") == 0  # nothing new: no mail at all

    match(registrant=person, job=JobFactory(title="新しい案件"))
    assert _compose(person, period="2026-11-29") == 1
    latest = Notification.objects.get(
        event_key=alerts.digest_key(person.pk, "daily", "2026-11-29"), channel="email"
    )
    assert [line for line in latest.body.splitlines() if line.startswith("■ ")] == ["■ 新しい案件"]
    assert AlertedJob.objects.filter(registrant=person).count() == 2
    assert first.job_id in AlertedJob.objects.values_list("job_id", flat=True)


def test_composing_the_same_period_twice_sends_one_digest():
    person = registrant()
    match(registrant=person)
    _compose(person)
    match(registrant=person)  # a new match arriving the same day waits for tomorrow

    assert _compose(person) == 0
    assert Notification.objects.filter(recipient=person.user, kind="job_alert").count() == 2
    assert AlertedJob.objects.filter(registrant=person).count() == 1


def test_registrants_who_chose_another_frequency_or_off_get_nothing_in_this_run():
    weekly = registrant(alert_frequency="weekly")
    off = registrant(alert_frequency="off")
    for person in (weekly, off):
        match(registrant=person)

    assert (
        alerts.compose_digests(
            registrant_ids=[weekly.pk, off.pk], frequency="daily", period="2026-11-27"
        )
        == 0
    )
    assert alerts.send_job_alerts(frequency="off") == []
    assert alerts.send_job_alerts(frequency="weekly") == [[weekly.pk]]


def test_only_registrants_with_something_new_get_a_batch():
    fresh = registrant()
    match(registrant=fresh)
    nothing_new = registrant()
    old = match(registrant=nothing_new)
    AlertedJob.objects.create(registrant=nothing_new, job=old.job, digest="earlier")
    low = registrant(alert_min_score=90)
    match(registrant=low, score=80)

    assert alerts.registrants_due("daily") == [fresh.pk]


def test_the_period_of_a_digest():
    now = at("2026-11-27", hour=23)  # a Friday, late evening in Tokyo
    assert alerts.period_of("daily", now) == "2026-11-27"
    assert alerts.period_of("weekly", now) == "2026-W48"
    assert alerts.period_of("immediate", now) == "2026-11-27T23:00"


def test_without_contact_by_email_the_digest_stays_in_the_portal():
    person = registrant(contact_by_email=False)
    match(registrant=person)

    _compose(person)

    assert list(Notification.objects.filter(recipient=person.user).values_list("channel")) == [
        ("in_app",)
    ]


def test_a_registrant_who_reads_english_gets_the_digest_in_english():
    person = registrant(user=UserFactory(is_registrant=True, language="en"))
    match(registrant=person, job=JobFactory(title="Accounting clerk"), caveats=[NO_ALLOWANCE])

    _compose(person)

    digest = _digest(person)
    assert digest.subject == "1 new job for you"
    assert "  Catch: No transport allowance.\n" in digest.body
    assert "Change how often, or stop job alerts (no login needed):" in digest.body


def test_the_beat_task_fans_out_and_composes_every_daily_digest(settings):
    people = [registrant() for _ in range(3)]
    for person in people:
        match(registrant=person)
    registrant(alert_frequency="weekly")

    task_send_job_alerts.delay(frequency="daily")

    assert Notification.objects.filter(kind="job_alert", channel="email").count() == 3


# --- The signed link ----------------------------------------------------------------------------


def test_the_link_opens_the_settings_without_logging_in_and_stops_alerts(client):
    person = registrant(email="hanako@example.jp")
    url = reverse("staffing:alerts_manage", args=[alerts.manage_token(person.pk)])

    page = client.get(url)
    response = client.post(url, {"stop": "1"})

    assert page.status_code == 200
    assert "h***@example.jp 宛ての求人のお知らせの設定です。" in page.text
    assert "山田" not in page.text  # the page shows no name to whoever holds the link
    assert response.status_code == 302
    assert client.get(response.url).text.count("求人のお知らせを停止しました。") == 1
    person.refresh_from_db()
    assert person.alert_frequency == Registrant.AlertFrequency.OFF


def test_a_mail_clients_one_click_post_unsubscribes_without_a_csrf_token():
    person = registrant()
    url = reverse("staffing:alerts_manage", args=[alerts.manage_token(person.pk)])

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    person.refresh_from_db()
    assert person.alert_frequency == "off"


def test_frequency_and_threshold_can_be_changed_through_the_link(client):
    person = registrant()
    url = reverse("staffing:alerts_manage", args=[alerts.manage_token(person.pk)])

    bad = client.post(url, {"alert_frequency": "weekly", "alert_min_score": "150"})
    good = client.post(url, {"alert_frequency": "weekly", "alert_min_score": "75"})

    assert bad.status_code == 400
    assert "この値は 100 以下でなければなりません。" in bad.text
    assert good.status_code == 302
    person.refresh_from_db()
    assert (person.alert_frequency, person.alert_min_score) == ("weekly", 75)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: "Mg" + token[2:],  # another registrant's id, old signature
        lambda token: token.split(":")[0],  # signature cut off
    ],
    ids=["signature", "registrant", "truncated"],
)
def test_a_tampered_link_is_refused_with_a_clear_page_and_changes_nothing(client, tamper):
    person = registrant(alert_frequency="daily")
    registrant(alert_frequency="daily")
    token = tamper(alerts.manage_token(person.pk))
    url = reverse("staffing:alerts_manage", args=[token])

    shown = client.get(url)
    posted = client.post(url, {"stop": "1"})

    assert (shown.status_code, posted.status_code) == (400, 400)
    assert "へのリンクが不完全か、書き換えられているか、古すぎます。" in shown.text
    assert set(Registrant.objects.values_list("alert_frequency", flat=True)) == {"daily"}


def test_a_link_older_than_its_lifetime_is_refused(client, monkeypatch):
    person = registrant()
    token = alerts.manage_token(person.pk)
    monkeypatch.setattr(alerts, "LINK_MAX_AGE", datetime.timedelta(seconds=-1))

    response = client.post(reverse("staffing:alerts_manage", args=[token]), {"stop": "1"})

    assert response.status_code == 400
    person.refresh_from_db()
    assert person.alert_frequency == "daily"
