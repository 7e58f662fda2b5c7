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
