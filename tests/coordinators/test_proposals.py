"""Proposals: the contact limit, opt-out, dismissed and declined cases, blocked pairs, caveats
stated in the message; the candidates page, the shortlist and the contact log."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from coordinators import services
from coordinators.models import ContactNote, ShortlistEntry
from jobs import workflow
from jobs.models import Application, Duty, DutyCategory, JobDuty, Match, Status
from registrants.models import DirectEmployment, Dismissal, DutyExperience
from staffing.models import AgencySettings

from ..factories import JobFactory, RegistrantFactory

pytestmark = pytest.mark.django_db
MESSAGE = "仕訳入力の経験が活きる案件です。交通費は全額支給です。"


def _journal_entry() -> Duty:
    # Transactional tests may run after a flush that took the taxonomy migration's rows.
    category, _ = DutyCategory.objects.get_or_create(
        code="accounting", defaults={"name_ja": "経理", "name_en": "Accounting"}
    )
    duty, _ = Duty.objects.get_or_create(
        code="journal_entry",
        defaults={"name_ja": "仕訳入力", "name_en": "Journal entry", "category": category},
    )
    return duty


def _case(**fields):
    job = JobFactory(**fields)
    job.duties.create(duty=_journal_entry(), kind=JobDuty.Kind.REQUIRED, min_months=12)
    return job


def _experienced(**fields):
    registrant = RegistrantFactory(**fields)
    DutyExperience.objects.create(registrant=registrant, duty=_journal_entry(), months=36)
    return registrant


def _propose(job, registrant, by, *, caveats_stated=False, message=MESSAGE):
    return services.propose_job(
        job=job, registrant=registrant, by=by, message=message, caveats_stated=caveats_stated
    )


def _limit(count):
    AgencySettings.objects.update_or_create(
        pk=1, defaults={"proposals_per_registrant_per_week": count}
    )


def test_a_proposal_is_an_application_that_starts_proposed(
    coordinator, django_capture_on_commit_callbacks
):
    job = _case()
    registrant = _experienced()

    with django_capture_on_commit_callbacks(execute=True):
        application = _propose(job, registrant, coordinator)

    assert (
        application.status,
        application.origin,
        application.proposed_by,
        application.proposal_message,
        application.caveats_stated,
    ) == (Status.PROPOSED, "proposed", coordinator, MESSAGE, False)
    assert list(application.events.values_list("to_status", "by", "note")) == [
        ("proposed", coordinator.pk, MESSAGE)
    ]
    [message] = mail.outbox
    assert message.to == [registrant.email]
    assert MESSAGE in message.body


def test_the_weekly_contact_limit_admits_exactly_the_configured_number(coordinator):
    registrant = _experienced()
    jobs = [_case() for _ in range(4)]
    for job in jobs[:3]:
        _propose(job, registrant, coordinator)

    with pytest.raises(services.ProposalRefused) as refused:
        _propose(jobs[3], registrant, coordinator)
    assert str(refused.value) == ("この登録者への紹介は直近7日間で3件です。当社の上限は週3件です。")
    assert Application.objects.filter(registrant=registrant).count() == 3

    # A week later the oldest proposal no longer counts.
    oldest = Application.objects.filter(registrant=registrant).order_by("pk").first()
    Application.objects.filter(pk=oldest.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=7, minutes=1)
    )
    _propose(jobs[3], registrant, coordinator)
    assert Application.objects.filter(registrant=registrant).count() == 4


def test_the_limit_is_the_agency_setting_and_self_applications_do_not_count(coordinator):
    _limit(1)
    registrant = _experienced()
    workflow.start(job=_case(), registrant=registrant, status=Status.APPLIED, by=registrant.user)
    _propose(_case(), registrant, coordinator)

    with pytest.raises(services.ProposalRefused, match="週1件"):
        _propose(_case(), registrant, coordinator)
    assert services.contact_allowance(registrant) == services.ContactAllowance(1, 1, True)


def test_nobody_who_opted_out_is_proposed_anything(coordinator):
    registrant = _experienced(accepts_proposals=False)

    with pytest.raises(services.ProposalRefused, match="紹介を受け付けていません"):
        _propose(_case(), registrant, coordinator)
    assert Application.objects.count() == 0


def test_a_dismissed_case_is_not_proposed_again(coordinator):
    job, registrant = _case(), _experienced()
    Dismissal.objects.create(registrant=registrant, job=job, reason="commute")

    with pytest.raises(services.ProposalRefused, match="「合わない」"):
        _propose(job, registrant, coordinator)


def test_a_declined_case_is_not_proposed_again(coordinator):
    job, registrant = _case(), _experienced()
    application = _propose(job, registrant, coordinator)
    workflow.transition(application, Status.DECLINED, by=registrant.user, note="遠いため")

    with pytest.raises(services.ProposalRefused, match="辞退しているため"):
        _propose(job, registrant, coordinator)
    assert Application.objects.count() == 1


def test_a_blocked_pair_cannot_be_proposed(coordinator):
    job, registrant = _case(), _experienced()
    DirectEmployment.objects.create(
        registrant=registrant,
        employer_corporate_number=job.unit.establishment.client.corporate_number,
        employer_name=job.unit.establishment.client.name,
        start=datetime.date(2022, 4, 1),
        end=datetime.date(2026, 6, 30),
    )

    with pytest.raises(services.ProposalRefused, match="派遣法40条の9"):
        _propose(job, registrant, coordinator, caveats_stated=True)
    assert Application.objects.count() == 0


def test_a_pair_with_caveats_needs_them_stated_in_the_message(coordinator):
    job = _case(transport_allowance="none", hourly_wage=1400)
    registrant = _experienced(min_hourly_wage=1600)

    with pytest.raises(services.ProposalRefused, match="注意点があります"):
        _propose(job, registrant, coordinator)
    application = _propose(job, registrant, coordinator, caveats_stated=True)

    assert application.caveats_stated is True


def test_no_proposals_while_the_agency_works_without_coordinators(coordinator):
    AgencySettings.objects.update_or_create(pk=1, defaults={"uses_coordinators": False})

    with pytest.raises(services.ProposalRefused, match="コーディネーター制を採っていない"):
        _propose(_case(), _experienced(), coordinator)


def test_one_message_to_many_goes_out_or_is_refused_one_by_one(coordinator):
    job = _case()
    fine, opted_out = _experienced(), _experienced(accepts_proposals=False)

    outcomes = services.propose_to_many(
        job=job,
        registrants=[fine, opted_out],
        by=coordinator,
        message=MESSAGE,
        caveats_stated_for=set(),
    )

    assert [(o.registrant, o.application is not None, o.refused) for o in outcomes] == [
        (fine, True, ""),
        (opted_out, False, "この登録者は紹介を受け付けていません。"),
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_proposals_to_one_registrant_stop_at_the_limit(coordinator):
    registrant = _experienced()
    jobs = [_case() for _ in range(10)]
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []

    def propose(job):
        try:
            barrier.wait()
            _propose(job, registrant, coordinator)
            outcomes.append("proposed")
        except services.ProposalRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=propose, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["proposed"] * 3 + ["refused"] * 7
    assert Application.objects.filter(registrant=registrant).count() == 3


# --- The coordinator's pages ---------------------------------------------------------------------


def _matches(job):
    eligible = _experienced(given_name="適任")
    caveated = _experienced(given_name="注意", min_hourly_wage=2000)
    blocked = _experienced(given_name="不可")
    Match.objects.create(
        job=job,
        registrant=eligible,
        score=82.5,
        eligible=True,
        factors={"required_duties": 40.0, "pay": 10.0},
    )
    Match.objects.create(
        job=job,
        registrant=caveated,
        score=70.0,
        eligible=True,
        factors={"required_duties": 40.0},
        caveats=[{"code": "no_transport_allowance", "params": {}}],
    )
    Match.objects.create(
        job=job,
        registrant=blocked,
        score=75.0,
        eligible=False,
        factors={"required_duties": 40.0},
        blocks=[{"code": "former_employee", "params": {"employment_end": "2026-06-30"}}],
    )
    return eligible, caveated, blocked


def test_the_candidates_page_ranks_with_breakdown_caveats_and_blocks(client, coordinator):
    job = _case()
    eligible, caveated, blocked = _matches(job)
    _propose(_case(), eligible, coordinator)
    client.force_login(coordinator)

    response = client.get(reverse("coordinators:candidates", args=[job.pk]), {"min_score": 0})

    rows = [
        (c.registrant, c.factors, c.caveats, c.blocks, c.used, c.refusal)
        for c in response.context["candidates"]
    ]
    assert rows == [
        (eligible, [("必須業務の経験", 40.0), ("希望時給との比較", 10.0)], [], [], 1, ""),
        (caveated, [("必須業務の経験", 40.0)], ["交通費の支給がありません。"], [], 0, ""),
        (blocked, [("必須業務の経験", 40.0)], [], [rows[2][3][0]], 0, "法令上不可"),
    ]
    assert "派遣法40条の9" in rows[2][3][0]
    html = response.content.decode()
    assert f'name="registrant" value="{blocked.pk}"' not in html
    assert f'name="registrant" value="{eligible.pk}"' in html
    assert f'name="caveats_stated" value="{caveated.pk}"' in html
    assert "1 / 3" in html

    eligible_only = client.get(reverse("coordinators:candidates", args=[job.pk]))
    assert [c.registrant for c in eligible_only.context["candidates"]] == [eligible, caveated]


def test_proposing_from_the_page_reports_each_outcome(client, coordinator):
    job = _case()
    eligible, caveated, _blocked = _matches(job)
    client.force_login(coordinator)

    response = client.post(
        reverse("coordinators:propose", args=[job.pk]),
        {"registrant": [eligible.pk, caveated.pk], "message": MESSAGE},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="candidates"')
    assert f"{eligible.full_name}さんに紹介しました。" in html
    assert f"{caveated.full_name}さんには紹介していません：" in html
    assert set(Application.objects.values_list("registrant_id", "status")) == {
        (eligible.pk, Status.PROPOSED)
    }


def test_proposing_without_a_message_or_anyone_selected_says_so(client, coordinator):
    job = _case()
    _matches(job)
    client.force_login(coordinator)

    response = client.post(
        reverse("coordinators:propose", args=[job.pk]), {"message": ""}, HTTP_HX_REQUEST="true"
    )

    assert response.context["form"].errors == {
        "message": ["このフィールドは必須です。"],
        "registrant": ["登録者を1人以上選んでください。"],
    }
    assert Application.objects.count() == 0


def test_the_shortlist_toggles_in_place(client, coordinator):
    job = _case()
    eligible, _caveated, _blocked = _matches(job)
    client.force_login(coordinator)
    url = reverse("coordinators:shortlist", args=[job.pk, eligible.pk])

    first = client.post(url, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="true"' in first.content.decode()
    assert list(ShortlistEntry.objects.values_list("registrant_id", "added_by")) == [
        (eligible.pk, coordinator.pk)
    ]
    second = client.post(url)
    assert second["Location"] == reverse("coordinators:candidates", args=[job.pk])
    assert ShortlistEntry.objects.count() == 0


def test_the_contact_log_shows_proposals_answers_and_notes_with_the_limit(client, coordinator):
    job = _case()
    registrant = _experienced()
    application = _propose(job, registrant, coordinator)
    workflow.transition(application, Status.APPLIED, by=registrant.user)
    client.force_login(coordinator)

    response = client.post(
        reverse("coordinators:contact_log", args=[registrant.pk]),
        {"kind": "call", "job": job.pk, "text": "電話で職場の雰囲気を説明した"},
        follow=True,
    )

    assert list(ContactNote.objects.values_list("kind", "text", "by")) == [
        ("call", "電話で職場の雰囲気を説明した", coordinator.pk)
    ]
    whats = [what for _at, what, _job, _by, _text in response.context["entries"]]
    assert sorted(whats) == sorted(["電話", "紹介中", "応募済み"])
    assert "直近7日間の紹介：3件中1件（残り2件）" in response.content.decode()
