"""jobs/migrations/0004_load_taxonomy gives every database the shipped taxonomy."""

import json

import pytest

from jobs.models import Duty, DutyCategory, Qualification, Skill

from .conftest import ROOT

SHIPPED = json.loads((ROOT / "jobs" / "data" / "taxonomy.json").read_text(encoding="utf-8"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key, model",
    [
        ("duty_categories", DutyCategory),
        ("skills", Skill),
        ("qualifications", Qualification),
    ],
)
def test_the_migration_loaded_every_shipped_record_in_the_shipped_order(key, model):
    stored = list(model.objects.order_by("sort_order").values("code", "name_ja", "name_en"))

    assert stored == [
        {"code": r["code"], "name_ja": r["name_ja"], "name_en": r["name_en"]} for r in SHIPPED[key]
    ]


@pytest.mark.django_db
def test_the_migration_loaded_every_duty_with_its_category_and_legal_flags():
    stored = {
        d.code: (d.category.code, d.name_ja, d.name_en, d.day_dispatch_exempt, d.prohibited)
        for d in Duty.objects.select_related("category")
    }

    assert stored == {
        r["code"]: (
            r["category"],
            r["name_ja"],
            r["name_en"],
            r["day_dispatch_exempt"],
            r["prohibited"],
        )
        for r in SHIPPED["duties"]
    }
    assert Duty.objects.get(code="filing").day_dispatch_exempt
    assert Duty.objects.get(code="port_cargo").prohibited
