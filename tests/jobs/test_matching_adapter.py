"""The adapter: database → engine → stored matches, the live pair view and the match command."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction

from jobs import findings, matching_adapter
from jobs.models import Duty, Job, JobDuty, Match
from registrants.models import DutyExperience

from ..factories import ClientFactory, JobFactory, RegistrantFactory, UnitFactory

START = datetime.date(2027, 1, 4)


def _experience(registrant, **months):
    for code, value in months.items():
        DutyExperience.objects.create(
            registrant=registrant, duty=Duty.objects.get(code=code), months=value, last_year=2026
        )


def _assignment(registrant, unit, start, end):
    registrant.assignments.create(
        unit=unit, start=start, end=end, hourly_wage=1500, hourly_bill_rate=2100
    )


@pytest.fixture
def case(db):
    """An accounting case at a housing company's 経理課, and four registrants around it."""
    client = ClientFactory(industry="住宅")
    unit = UnitFactory(establishment__client=client, name="経理課")
    job = JobFactory(
        unit=unit,
        start=START,
        end=datetime.date(2027, 12, 31),
        hourly_wage=1700,
        employment_contract_days=362,
    )
    for code, months, kind in [
        ("journal_entry", 12, JobDuty.Kind.REQUIRED),
        ("accounts_receivable", 12, JobDuty.Kind.REQUIRED),
        ("monthly_closing", 0, JobDuty.Kind.PREFERRED),
    ]:
        job.duties.create(duty=Duty.objects.get(code=code), min_months=months, kind=kind)

    accountant = RegistrantFactory(ref="ACCOUNTANT", min_hourly_wage=1500)
    _experience(accountant, journal_entry=24, accounts_receivable=18, monthly_closing=6)

    # Years at a housing company too, but in sales administration: same industry, other duties.
    same_industry = RegistrantFactory(ref="SAME-INDUSTRY", min_hourly_wage=1500)
    _experience(same_industry, order_processing=60, sales_support=48)
    other_unit = UnitFactory(establishment__client=ClientFactory(industry="住宅"), name="営業課")
    _assignment(same_industry, other_unit, datetime.date(2021, 4, 1), datetime.date(2025, 3, 31))

    # Left this very unit ten months before the start (DOMAIN.md failure 1): a reset gap.
    returner = RegistrantFactory(ref="RETURNER", min_hourly_wage=1500)
    _experience(returner, journal_entry=30, accounts_receivable=30)
    _assignment(returner, unit, datetime.date(2024, 3, 1), datetime.date(2026, 2, 28))

    # Worked here until a month before the start: the chain reaches the 3-year limit.
    chained = RegistrantFactory(ref="CHAINED", min_hourly_wage=1500)
    _experience(chained, journal_entry=36, accounts_receivable=36)
    _assignment(chained, unit, datetime.date(2024, 6, 1), datetime.date(2026, 11, 30))
    return job


def _stored(job):
    return {m.registrant.ref: m for m in Match.objects.filter(job=job).select_related("registrant")}


@pytest.mark.django_db
def test_ranking_a_case_stores_its_best_with_breakdown_caveats_and_blocks(case):
    matching_adapter.rank_job(job_id=case.pk)

    stored = _stored(case)
    assert set(stored) == {"ACCOUNTANT", "SAME-INDUSTRY", "RETURNER", "CHAINED"}
    assert stored["ACCOUNTANT"].score > stored["SAME-INDUSTRY"].score
    assert stored["ACCOUNTANT"].eligible and stored["ACCOUNTANT"].in_job_top
    assert set(stored["ACCOUNTANT"].factors) == set(findings.FACTOR_ORDER)
    assert stored["SAME-INDUSTRY"].caveat_codes.count("missing_required_duty") == 2
    [same_unit] = [c for c in stored["RETURNER"].caveats if c["code"] == "same_unit_before"]
    assert same_unit["params"]["earlier"] == [["2024-03-01", "2026-02-28"]]
    assert stored["RETURNER"].eligible
    assert not stored["CHAINED"].eligible
    assert stored["CHAINED"].block_codes == ["individual_limit"]


@pytest.mark.django_db
def test_ranking_twice_leaves_exactly_the_same_rows(case):
    matching_adapter.rank_job(job_id=case.pk)
    first = list(Match.objects.order_by("pk").values())

    changed = matching_adapter.rank_job(job_id=case.pk)

    assert changed == 0
    assert list(Match.objects.order_by("pk").values()) == first


@pytest.mark.django_db
def test_a_closed_case_loses_its_matches(case):
    matching_adapter.rank_job(job_id=case.pk)
    Job.objects.filter(pk=case.pk).update(status=Job.Status.CLOSED)

    matching_adapter.rank_job(job_id=case.pk)

    assert not Match.objects.filter(job=case).exists()


@pytest.mark.django_db
def test_ranking_a_registrant_stores_their_best_cases(case):
    accountant = _stored_registrant("ACCOUNTANT")

    matching_adapter.rank_registrant(registrant_id=accountant.pk)

    [row] = Match.objects.filter(registrant=accountant)
    assert (row.job_id, row.in_registrant_top, row.in_job_top) == (case.pk, True, False)


def _stored_registrant(ref):
    from registrants.models import Registrant

    return Registrant.objects.get(ref=ref)


@pytest.mark.django_db
def test_the_pair_view_shows_coverage_of_each_requirement(case):
    view = matching_adapter.explain_pair(job=case, registrant=_stored_registrant("SAME-INDUSTRY"))

    assert [
        (c.duty.code, c.kind, c.min_months, c.months_had, c.covered) for c in view.coverage
    ] == [
        ("journal_entry", "required", 12, 0, False),
        ("accounts_receivable", "required", 12, 0, False),
        ("monthly_closing", "preferred", 0, 0, False),
    ]
    assert view.eligible and view.blocks == []


@pytest.mark.django_db
def test_the_match_command_prints_ranked_json_with_messages(case):
    out = io.StringIO()
    call_command("match", job=case.ref, all=True, json=True, stdout=out)

    results = json.loads(out.getvalue())["results"]
    by_ref = {row["registrant"]: row for row in results}
    assert set(by_ref) == {"ACCOUNTANT", "SAME-INDUSTRY", "RETURNER", "CHAINED"}
    assert [block["code"] for block in by_ref["CHAINED"]["blocks"]] == ["individual_limit"]
    assert by_ref["CHAINED"]["blocks"][0]["message"].startswith(
        "個人単位の期間制限（派遣法40条の3）"
    )
    assert by_ref["CHAINED"]["eligible"] is False
    assert list(by_ref["ACCOUNTANT"]["factors"]) == list(findings.FACTOR_ORDER)


@pytest.mark.django_db
def test_the_match_command_without_all_leaves_blocked_pairs_out(case):
    out = io.StringIO()
    call_command("match", job=case.ref, json=True, stdout=out, language="en")

    results = json.loads(out.getvalue())["results"]
    assert {row["registrant"] for row in results} == {"ACCOUNTANT", "SAME-INDUSTRY", "RETURNER"}
    assert all(row["eligible"] and row["blocks"] == [] for row in results)
    assert results[-1]["registrant"] == "SAME-INDUSTRY"
    [same_unit] = [
        c for c in _by(results, "RETURNER")["caveats"] if c["code"] == "same_unit_before"
    ]
    assert same_unit["message"].startswith("Worked in this same unit before (2024-03-01")


def _by(results, ref):
    return next(row for row in results if row["registrant"] == ref)


@pytest.mark.postgres
@pytest.mark.redis
def test_opening_a_case_has_a_real_worker_store_its_ranking(case, celery_worker):
    with transaction.atomic():
        Job.objects.filter(pk=case.pk).update(status=Job.Status.OPEN)
        matching_adapter.queue_rank_job(case.pk)

    stored = celery_worker.wait_for(lambda: Match.objects.filter(job=case).count() == 4)

    assert stored
    assert Match.objects.get(job=case, registrant__ref="CHAINED").block_codes == [
        "individual_limit"
    ]


def _table():
    return sorted(
        (m.job_id, m.registrant.ref, m.score, m.eligible, m.factors, m.caveats, m.blocks,
         m.in_job_top, m.in_registrant_top)
        for m in Match.objects.select_related("registrant")
    )  # fmt: skip


def _storage_scenario(job):
    """Rank, rank a registrant, shrink the case's top, change a profile: the counts each step
    reports and the table after it."""
    from registrants.models import Registrant

    accountant = Registrant.objects.get(ref="ACCOUNTANT")
    steps = [
        lambda: matching_adapter.rank_job(job_id=job.pk, top_n=4),
        lambda: matching_adapter.rank_registrant(registrant_id=accountant.pk),
        lambda: matching_adapter.rank_job(job_id=job.pk, top_n=1),
        lambda: matching_adapter.rank_job(job_id=job.pk, top_n=1),
    ]
    trace = []
    for step in steps:
        trace.append((step(), _table()))
    DutyExperience.objects.filter(registrant=accountant).update(months=1)
    matching_adapter.forget_cache()
    trace.append((matching_adapter.rank_job(job_id=job.pk, top_n=1), _table()))
    return trace


@pytest.mark.postgres
@pytest.mark.django_db
def test_copy_and_orm_storage_write_the_same_rows(case, monkeypatch):
    monkeypatch.setattr(matching_adapter.loading, "bulk_sql", lambda: True)
    bulk = _storage_scenario(case)
    Match.objects.all().delete()
    DutyExperience.objects.filter(registrant__ref="ACCOUNTANT").update(months=24)
    matching_adapter.forget_cache()
    monkeypatch.setattr(matching_adapter.loading, "bulk_sql", lambda: False)
    orm = _storage_scenario(case)

    assert bulk == orm
    counts = [count for count, _ in bulk]
    # 4 rows; the accountant's row gains the registrant flag; in a top 1 the accountant (100)
    # is alone and the other 3 rows go; nothing to do the second time; a weaker accountant
    # leaves the case's top but keeps their own, RETURNER comes in and so does CHAINED,
    # blocked but scoring above it.
    assert counts == [4, 1, 3, 0, 3]
    final = bulk[-1][1]
    assert [(row[1], row[7], row[8]) for row in final] == [
        ("ACCOUNTANT", False, True),
        ("CHAINED", True, False),
        ("RETURNER", True, False),
    ]


@pytest.mark.postgres
@pytest.mark.django_db
def test_profiles_read_as_arrays_equal_profiles_read_row_by_row(case, monkeypatch):
    monkeypatch.setattr(matching_adapter.loading, "bulk_sql", lambda: True)
    bulk = matching_adapter.registrant_profiles()
    monkeypatch.setattr(matching_adapter.loading, "bulk_sql", lambda: False)
    rows = matching_adapter.registrant_profiles()

    assert bulk == rows
    assert [p.ref for p in bulk] == ["ACCOUNTANT", "SAME-INDUSTRY", "RETURNER", "CHAINED"]
    assert {e.duty_code: e.months for e in bulk[0].experience} == {
        "journal_entry": 24, "accounts_receivable": 18, "monthly_closing": 6,
    }  # fmt: skip
    assert [a.start for a in bulk[2].assignments] == [datetime.date(2024, 3, 1)]


@pytest.fixture
def builds(monkeypatch):
    """How many times the worker built its registrant matrix from scratch."""
    count = []
    build = matching_adapter.cache._build_snapshot
    monkeypatch.setattr(
        matching_adapter.cache, "_build_snapshot", lambda *head: count.append(1) or build(*head)
    )
    matching_adapter.forget_cache()
    return count


def _fresh_ranking(job):
    matching_adapter.forget_cache()
    Match.objects.filter(job=job).delete()
    matching_adapter.rank_job(job_id=job.pk)
    return _table()


@pytest.mark.django_db
def test_a_changed_profile_is_ranked_without_building_the_whole_matrix_again(case, builds):
    from registrants.models import Registrant

    matching_adapter.rank_job(job_id=case.pk)
    same_industry = Registrant.objects.get(ref="SAME-INDUSTRY")
    _experience(same_industry, journal_entry=40, accounts_receivable=40)
    matching_adapter.queue_rank_registrant(same_industry.pk)  # what every profile service does

    matching_adapter.rank_job(job_id=case.pk)

    assert len(builds) == 1
    patched = _table()
    assert _stored(case)["SAME-INDUSTRY"].score == 90.0  # all required; no preferred duty
    assert patched == _fresh_ranking(case)


@pytest.mark.django_db
def test_a_change_behind_the_services_back_builds_the_matrix_again(case, builds):
    matching_adapter.rank_job(job_id=case.pk)
    # An import writes rows without touching the registrant: the tallies tell.
    DutyExperience.objects.filter(registrant__ref="SAME-INDUSTRY").update(months=99)

    matching_adapter.rank_job(job_id=case.pk)

    assert len(builds) == 2


@pytest.mark.django_db
def test_a_deleted_registrant_builds_the_matrix_again(case, builds):
    from registrants.models import Registrant

    matching_adapter.rank_job(job_id=case.pk)
    returner = Registrant.objects.get(ref="RETURNER")
    matching_adapter.queue_rank_registrant(Registrant.objects.get(ref="ACCOUNTANT").pk)
    returner.delete()

    matching_adapter.rank_job(job_id=case.pk)

    assert len(builds) == 2
    assert set(_stored(case)) == {"ACCOUNTANT", "SAME-INDUSTRY", "CHAINED"}


@pytest.mark.postgres
@pytest.mark.redis
def test_the_nightly_recompute_is_a_chord_of_chunks_on_a_real_worker(
    case, celery_worker, monkeypatch
):
    from jobs import tasks
    from registrants.models import Registrant

    second = JobFactory(unit=UnitFactory(), start=START, end=datetime.date(2027, 6, 30))
    second.duties.create(duty=Duty.objects.get(code="journal_entry"), min_months=6)
    closed = JobFactory(unit=case.unit, status=Job.Status.CLOSED)
    Match.objects.create(
        job=closed, registrant=Registrant.objects.get(ref="ACCOUNTANT"), score=50, eligible=True
    )
    monkeypatch.setattr(tasks, "CHUNK", 1)  # two open cases: two chunk tasks, then the callback

    tasks.task_recompute_all()

    assert celery_worker.wait_for(
        lambda: (
            not Match.objects.filter(job=closed).exists()
            and Match.objects.filter(job=second).count() == 4
        )
    )
    assert Match.objects.filter(job=case).count() == 4
    assert Match.objects.get(job=second, registrant__ref="ACCOUNTANT").eligible


@pytest.mark.django_db
def test_an_agency_without_registrants_ranks_a_case_and_stores_nothing(builds):
    job = JobFactory()
    job.duties.create(duty=Duty.objects.get(code="journal_entry"), min_months=6)

    assert matching_adapter.rank_job(job_id=job.pk) == 0

    first = RegistrantFactory(ref="FIRST")
    _experience(first, journal_entry=12)
    matching_adapter.queue_rank_registrant(first.pk)
    matching_adapter.rank_job(job_id=job.pk)

    assert len(builds) == 2  # nothing to patch: built again
    assert list(Match.objects.filter(job=job).values_list("registrant__ref", flat=True)) == [
        "FIRST"
    ]
