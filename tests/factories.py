import datetime

import factory

from registrants.models import Registrant
from staffing.models import User

PASSWORD = "demo-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    display_name = factory.Sequence(lambda n: f"利用者{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@agency.example.jp")


class RegistrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registrant

    ref = factory.Sequence(lambda n: f"R{n:05d}")
    user = factory.SubFactory(UserFactory, is_registrant=True)
    family_name = "山田"
    given_name = factory.Sequence(lambda n: f"花子{n}")
    family_name_kana = "ヤマダ"
    given_name_kana = "ハナコ"
    email = factory.SelfAttribute("user.email")
    birth_date = datetime.date(1990, 4, 1)
    postal_code = "150-0002"
    prefecture = "東京都"
    city = "渋谷区"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "jobs.Client"

    ref = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    # Valid corporate numbers: the leading check digit computed from a 12-digit base.
    corporate_number = factory.Sequence(lambda n: _corporate_number(f"{700000000000 + n:012d}"))
    industry = "住宅"


def _corporate_number(base: str) -> str:
    from jobs.models.clients import corporate_number_check_digit

    return f"{corporate_number_check_digit(base)}{base}"


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "jobs.Establishment"

    ref = factory.Sequence(lambda n: f"E{n:04d}")
    client = factory.SubFactory(ClientFactory)
    name = "本社"
    postal_code = "100-0005"
    conflict_date = datetime.date(2029, 4, 1)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "jobs.Unit"

    ref = factory.Sequence(lambda n: f"U{n:04d}")
    establishment = factory.SubFactory(EstablishmentFactory)
    name = "経理課"


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "jobs.Job"

    ref = factory.Sequence(lambda n: f"J{n:05d}")
    unit = factory.SubFactory(UnitFactory)
    case_sales = factory.SubFactory(StaffFactory, is_case_sales=True)
    status = "open"
    title = "経理事務（月次決算補助あり）"
    description = "仕訳入力と売掛金管理を担当していただきます。"
    hourly_wage = 1600
    transport_allowance = "full"
    start = datetime.date(2027, 1, 1)
    end = datetime.date(2027, 6, 30)
    employment_contract_days = 181
    headcount = 1
    postal_code = "100-0005"
    prefecture = "東京都"
    city = "千代田区"


# --- Staff workspace -------------------------------------------------------------------------


def application_in(status, *, job=None, registrant=None, origin="applied", **fields):
    """An application put straight into ``status`` (with its first event), for tests that start
    mid-workflow; the workflow's own moves are tested from the beginning elsewhere."""
    from jobs import workflow
    from jobs.models import Application, Status

    job = job or JobFactory()
    registrant = registrant or RegistrantFactory()
    first = Status.PROPOSED if origin == "proposed" else Status.APPLIED
    application = workflow.start(job=job, registrant=registrant, status=first, by=None)
    Application.objects.filter(pk=application.pk).update(status=status, **fields)
    application.refresh_from_db()
    return application


def _duty_category(code: str):
    from jobs.models import DutyCategory

    return DutyCategory.objects.get(code=code)


class GoingRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "jobs.GoingRate"

    fiscal_year = 2026
    duty_category = factory.LazyFunction(lambda: _duty_category("accounting"))
    prefecture = "東京都"
    hourly_wage = 1500
