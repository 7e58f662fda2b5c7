"""The registrant's cast: a logged-in registrant with accounting experience, and cases around."""

import datetime
import re

import pytest

from jobs import workflow
from jobs.models import Duty, JobConfidential, Status
from registrants.models import DutyExperience

from ..factories import JobFactory, RegistrantFactory

START = datetime.date(2027, 1, 4)


def make_job(*, required=None, preferred=None, **fields):
    """A case with ``required`` / ``preferred`` duties given as {duty code: minimum months}."""
    job = JobFactory(**fields)
    for kind, duties in (("required", required or {}), ("preferred", preferred or {})):
        for code, months in duties.items():
            job.duties.create(duty=Duty.objects.get(code=code), kind=kind, min_months=months)
    return job


def give_experience(registrant, **months):
    for code, value in months.items():
        DutyExperience.objects.update_or_create(
            registrant=registrant,
            duty=Duty.objects.get(code=code),
            defaults={"months": value, "last_year": 2026},
        )


def move(application, *statuses, by):
    """Walk ``application`` through ``statuses`` as the case sales rep ``by``."""
    for status in statuses:
        workflow.transition(application, status, by=by, note="ok")
    return application


@pytest.fixture
def me(db):
    """The registrant under test: 2 years of journal entries, 1 of receivables, in Shibuya."""
    registrant = RegistrantFactory(
        min_hourly_wage=1500, postal_code="150-0002", prefecture="東京都", city="渋谷区"
    )
    give_experience(registrant, journal_entry=24, accounts_receivable=12)
    return registrant


@pytest.fixture
def my_client(client, me):
    client.force_login(me.user)
    return client


@pytest.fixture
def accounting_job(db, case_sales):
    job = make_job(
        title="経理事務（仕訳・売掛金）",
        case_sales=case_sales,
        start=START,
        end=datetime.date(2027, 12, 31),
        hourly_wage=1700,
        postal_code="100-0005",
        prefecture="東京都",
        city="千代田区",
        required={"journal_entry": 12, "accounts_receivable": 24},
        preferred={"monthly_closing": 0},
    )
    JobConfidential.objects.create(
        job=job,
        department_detail="財務経理部 経理課",
        team="売掛金チーム 5名",
        reason="産休代替",
        selection_schedule="書類選考なし、職場見学1回",
        bill_rate=2600,
        notes="勘定奉行の経験者が望ましい",
    )
    return job


@pytest.fixture
def passed_application(accounting_job, me, case_sales):
    application = workflow.start(
        job=accounting_job, registrant=me, status=Status.APPLIED, by=me.user
    )
    return move(application, Status.SCREENING, Status.PASSED, by=case_sales)


def page_text(response) -> str:
    """The visible text of the page's main part (or the whole fragment), whitespace collapsed."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    main = re.search(r"<main.*?</main>", html, re.S)
    text = re.sub(r"<[^>]+>", " ", main.group(0) if main else html)
    return re.sub(r"\s+", " ", text).strip()


def log_in(page, user) -> None:
    """Give the browser a logged-in session for ``user`` (the login form is tested elsewhere)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": page.base_url}]
    )


def ensure_taxonomy() -> None:
    """Browser tests run on a flushed database: load the shipped taxonomy again if it is gone."""
    import importlib

    from django.apps import apps

    from jobs import matching_adapter

    if not Duty.objects.exists():
        migration = importlib.import_module("jobs.migrations.0004_load_taxonomy")
        migration.load_taxonomy(apps, None)
    matching_adapter.forget_cache()


@pytest.fixture(autouse=True)
def _fresh_search_facets():
    """The search caches its filter choices for a minute; each test starts without them."""
    from django.core.cache import cache

    from jobs.views.public import FACETS_KEY

    cache.delete(FACETS_KEY)
