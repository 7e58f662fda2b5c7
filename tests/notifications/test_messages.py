"""Message threads: a fair daily limit, a visible response target, blocks with reasons, and a
complaint channel that nothing closes."""

import datetime
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import IntegrityError, InternalError, connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs import workflow
from jobs.models import Status
from staffing import messaging
from staffing.models import (
    AgencySettings,
    AuditEvent,
    Message,
    MessagingBlock,
    Notification,
    Thread,
)
from tests.factories import JobFactory, RegistrantFactory, StaffFactory

from .helpers import at

LIMIT_TEXT = "本日は5件のメッセージを送信されました。"


def _applied(registrant, job=None, status=Status.APPLIED):
    job = job or JobFactory()
    workflow.start(job=job, registrant=registrant, status=status, by=None)
    return job


def _send(registrant, kind="general", job=None, body="質問です", now=None):
    return messaging.send_message(
        registrant=registrant, kind=kind, job=job, body=body, by=registrant.user, now=now
    )


@pytest.fixture
def admin(db):
    return StaffFactory(is_agency_admin=True, email="sekinin@agency.example.jp")


# --- The daily limit ----------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_daily_limit_admits_exactly_five_of_a_hundred_concurrent_messages(
    transactional_db, admin
):
    rep = StaffFactory(is_case_sales=True)
    registrant = RegistrantFactory()
    job = _applied(registrant, JobFactory(case_sales=rep))
    url = reverse("staffing:message_case", args=[job.pk])
    threads = 20
    start_together = Barrier(threads)

    def post(number: int) -> str:
        if number < threads:
            start_together.wait()
        client = Client()
        client.force_login(registrant.user)
        try:
            response = client.post(url, {"body": f"質問{number}"}, headers={"HX-Request": "true"})
            return response.text
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        pages = list(pool.map(post, range(100)))

    assert Message.objects.count() == 5
    assert sum(LIMIT_TEXT in page for page in pages) == 95
    assert Notification.objects.filter(recipient=rep, kind="message.case").count() == 10  # 2 each
    assert Thread.objects.get().waiting_since is not None


@pytest.mark.django_db
def test_the_limit_restarts_at_midnight_in_tokyo(admin):
    registrant = RegistrantFactory()
    for minute in range(5):
        _send(registrant, now=at("2026-11-27", hour=23) + datetime.timedelta(minutes=minute))

    with pytest.raises(messaging.MessageRefused, match=LIMIT_TEXT):
        _send(registrant, now=at("2026-11-27", hour=23) + datetime.timedelta(minutes=30))
    _send(registrant, now=at("2026-11-28", hour=0))

    assert Message.objects.count() == 6


@pytest.mark.django_db
def test_the_limit_follows_the_agency_setting(admin):
    AgencySettings.objects.update_or_create(pk=1, defaults={"messages_per_registrant_per_day": 2})
    registrant = RegistrantFactory()
    _send(registrant)
    _send(registrant)

    with pytest.raises(messaging.MessageRefused, match="本日は2件のメッセージを送信されました。"):
        _send(registrant)
    assert messaging.remaining_today(registrant) == 0


@pytest.mark.django_db
def test_a_complaint_is_never_limited_nor_blocked_and_reaches_only_the_responsible_people(admin):
    rep = StaffFactory(is_case_sales=True)
    registrant = RegistrantFactory()
    job = _applied(registrant, JobFactory(case_sales=rep))
    for _ in range(5):
        _send(registrant, kind="case", job=job)
    messaging.block_messages(registrant=registrant, reason="深夜の連続した要求", by=rep)

    with pytest.raises(messaging.MessageRefused, match="深夜の連続した要求"):
        _send(registrant)
    for number in range(20):
        _send(registrant, kind="complaint", body=f"苦情{number}")

    complaint = Thread.objects.get(kind="complaint")
    assert complaint.messages.count() == 20
    told = Notification.objects.filter(kind="message.complaint", channel="email")
    assert set(told.values_list("recipient__email", flat=True)) == {"sekinin@agency.example.jp"}
    assert told.count() == 20
    assert not Thread.objects.visible_to_staff(rep).filter(kind="complaint").exists()


@pytest.mark.django_db
def test_an_empty_or_overlong_message_is_refused_with_the_reason_next_to_the_field(client):
    registrant = RegistrantFactory()
    client.force_login(registrant.user)
    url = reverse("staffing:message_agency")

    empty = client.post(url, {"body": "   "})
    long = client.post(url, {"body": "あ" * 4001})

    assert "このフィールドは必須です。" in empty.text
    assert "この値は 4000 文字以下でなければなりません( 4001 文字になっています)。" in long.text
    assert Message.objects.count() == 0


# --- Who writes to whom -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_registrant_writes_only_about_cases_they_applied_to_or_were_proposed(client):
    registrant = RegistrantFactory()
    applied = _applied(registrant)
    proposed = _applied(registrant, status=Status.PROPOSED)
    other = JobFactory()
    client.force_login(registrant.user)

    answers = [
        client.get(reverse("staffing:message_case", args=[job.pk])).status_code
        for job in (applied, proposed, other)
    ]
    posted = client.post(reverse("staffing:message_case", args=[other.pk]), {"body": "x"})

    assert answers == [200, 200, 404]
    assert posted.status_code == 404
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_posting_without_htmx_redirects_and_with_htmx_returns_the_conversation(client):
    rep = StaffFactory(is_case_sales=True, display_name="営業 太郎")
    registrant = RegistrantFactory()
    job = _applied(registrant, JobFactory(case_sales=rep, title="経理事務"))
    client.force_login(registrant.user)
    url = reverse("staffing:message_case", args=[job.pk])

    plain = client.post(url, {"body": "勤務時間を教えてください"})
    fragment = client.post(url, {"body": "服装は？"}, headers={"HX-Request": "true"})

    assert (plain.status_code, plain.url) == (302, url)
    assert fragment.text.lstrip().startswith('<div id="conversation"')
    assert "<html" not in fragment.text
    assert fragment.text.count('data-testid="message"') == 2
    assert "派遣会社はすべてのメッセージに24時間以内の返信を目標にしています。" in fragment.text
    assert "メッセージは1日5件まで送れます（本日の残り3件）。" in fragment.text
    page = client.get(url).text
    assert "担当営業：営業 太郎" in page
    assert "までに返信があります。" in page


# --- The agency's side --------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_threads_go_to_the_cases_rep_and_complaints_to_admins_only(client, admin):
    rep = StaffFactory(is_case_sales=True)
    other_rep = StaffFactory(is_case_sales=True)
    registrant = RegistrantFactory()
    job = _applied(registrant, JobFactory(case_sales=rep))
    _send(registrant, kind="case", job=job)
    _send(registrant, kind="general")
    _send(registrant, kind="complaint")
    case, general, complaint = (Thread.objects.get(kind=kind) for kind in Thread.Kind.values)

    def visible(user):
        return set(Thread.objects.visible_to_staff(user).values_list("kind", flat=True))

    assert visible(rep) == {"case", "general"}
    assert visible(other_rep) == {"general"}
    assert visible(admin) == {"case", "general", "complaint"}
    client.force_login(rep)
    assert client.get(reverse("staffing:staff_thread", args=[complaint.pk])).status_code == 403
    client.force_login(other_rep)
    assert client.get(reverse("staffing:staff_thread", args=[case.pk])).status_code == 403
    client.force_login(registrant.user)
    assert client.get(reverse("staffing:staff_thread", args=[general.pk])).status_code == 403


@pytest.mark.django_db
def test_a_reply_answers_the_thread_and_tells_the_registrant(client, admin):
    rep = StaffFactory(is_case_sales=True, display_name="営業 太郎")
    registrant = RegistrantFactory(user__email="hanako@example.jp")
    job = _applied(registrant, JobFactory(case_sales=rep, title="経理事務"))
    _send(registrant, kind="case", job=job, body="残業はありますか")
    thread = Thread.objects.get()
    client.force_login(rep)

    page = client.get(reverse("staffing:staff_thread", args=[thread.pk]))
    response = client.post(
        reverse("staffing:staff_thread", args=[thread.pk]), {"body": "月10時間ほどです"}
    )

    assert "残業はありますか" in page.text
    assert AuditEvent.objects.filter(
        actor=rep, action="view", subject=f"registrant:{registrant.pk}"
    ).exists()
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.waiting_since is None
    told = Notification.objects.get(
        recipient=registrant.user, channel="email", kind="message.reply"
    )
    assert told.subject == "派遣会社からの返信：経理事務"
    assert "営業 太郎からメッセージへの返信です：\n\n月10時間ほどです\n" in told.body
    assert told.url == reverse("staffing:message_case", args=[job.pk])


@pytest.mark.django_db
def test_the_staff_inbox_shows_threads_waiting_past_the_target_first(client, admin):
    rep = StaffFactory(is_case_sales=True)
    now = timezone.now()
    late, fresh, answered = RegistrantFactory.create_batch(3)
    for person, hours_ago in ((late, 30), (fresh, 2), (answered, 40)):
        job = _applied(person, JobFactory(case_sales=rep))
        _send(person, kind="case", job=job, now=now - datetime.timedelta(hours=hours_ago))
    messaging.reply(thread=Thread.objects.get(registrant=answered), body="回答", by=rep)
    client.force_login(rep)

    overdue = client.get(reverse("staffing:staff_messages"), {"show": "overdue"})
    waiting = client.get(
        reverse("staffing:staff_messages"), {"show": "waiting"}, headers={"HX-Request": "true"}
    )

    assert overdue.text.count('data-testid="thread-row"') == 1
    assert late.full_name in overdue.text and fresh.full_name not in overdue.text
    assert "目標超過（1）" in overdue.text and "返信待ち（2）" in overdue.text
    assert "返信目標：24時間。登録者にも表示されています。" in overdue.text
    rows = waiting.text.split('data-testid="thread-row"')[1:]
    assert [late.full_name in rows[0], fresh.full_name in rows[1]] == [True, True]
    assert waiting.text.lstrip().startswith('<div id="inbox"')


# --- Pausing a registrant -----------------------------------------------------------------------


@pytest.mark.django_db
def test_pausing_messages_needs_a_reason_is_logged_and_told_and_can_be_lifted(client, admin):
    rep = StaffFactory(is_case_sales=True, display_name="営業 太郎")
    registrant = RegistrantFactory()
    job = _applied(registrant, JobFactory(case_sales=rep))
    _send(registrant, kind="case", job=job)
    thread = Thread.objects.get()
    client.force_login(rep)
    block_url = reverse("staffing:staff_thread_block", args=[thread.pk])

    no_reason = client.post(block_url, {"reason": ""}, headers={"HX-Request": "true"})
    paused = client.post(block_url, {"reason": "1日に何十回も電話で要求"})

    assert "このフィールドは必須です。" in no_reason.text
    assert paused.status_code == 302
    block = MessagingBlock.objects.get()
    assert (block.reason, block.blocked_by, block.lifted_at) == (
        "1日に何十回も電話で要求",
        rep,
        None,
    )
    assert AuditEvent.objects.filter(
        actor=rep,
        subject=f"registrant:{registrant.pk}",
        detail="messages paused: 1日に何十回も電話で要求",
    ).exists()
    told = Notification.objects.get(
        recipient=registrant.user, kind="messages.paused", channel="email"
    )
    assert "1日に何十回も電話で要求" in told.body
    assert reverse("staffing:message_complaint") in told.body
    assert Notification.objects.filter(recipient=admin, kind="messages.paused").count() == 2
    with pytest.raises(messaging.MessageRefused):
        _send(registrant, kind="case", job=job)

    client.post(reverse("staffing:staff_thread_unblock", args=[thread.pk]))

    block.refresh_from_db()
    assert block.lifted_by == rep and block.lifted_at is not None
    _send(registrant, kind="case", job=job)
    assert AuditEvent.objects.filter(detail="messages no longer paused").count() == 1


@pytest.mark.django_db
def test_coordinators_and_registrants_cannot_pause_messages(coordinator):
    registrant = RegistrantFactory()
    with pytest.raises(messaging.PermissionDenied):
        messaging.block_messages(registrant=registrant, reason="x", by=coordinator)
    assert MessagingBlock.objects.count() == 0


@pytest.mark.django_db
def test_the_registrant_sees_the_pause_and_the_open_complaint_form(client, admin):
    rep = StaffFactory(is_case_sales=True)
    registrant = RegistrantFactory()
    messaging.block_messages(registrant=registrant, reason="連続した要求", by=rep)
    client.force_login(registrant.user)

    page = client.get(reverse("staffing:message_agency")).text
    complaint = client.get(reverse("staffing:message_complaint")).text

    assert "派遣会社があなたのメッセージを一時停止しています：連続した要求" in page
    assert "苦情窓口はいつでもご利用いただけます。" in page
    assert "一時停止しています" not in complaint


# --- Final once sent ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_sent_message_cannot_be_edited_or_deleted_even_in_the_database(admin):
    registrant = RegistrantFactory()
    message = _send(registrant, body="最初の文面")

    for attempt in (
        lambda: Message.objects.filter(pk=message.pk).update(body="書き換え"),
        lambda: Message.objects.filter(pk=message.pk).delete(),
    ):
        with (
            pytest.raises((IntegrityError, InternalError), match="a sent message cannot be"),
            transaction.atomic(),
        ):
            attempt()

    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM staffing_message WHERE id = %s", [message.pk])
        assert cursor.fetchone() == ("最初の文面",)
