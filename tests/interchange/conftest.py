"""Fixtures of the interchange tests: the shipped example document and the staff it names."""

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from staffing.models import User

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "example-data.json"
# Every table the format fills, child and many-to-many tables included.
INTERCHANGE_APPS = ("jobs", "registrants")


@pytest.fixture(autouse=True)
def _english():
    # The assertions quote the English messages, whatever translations exist.
    with translation.override("en"):
        yield


@pytest.fixture
def staff(db):
    """The two staff users docs/example-data.json refers to by e-mail."""
    return {
        "service_sales": User.objects.create_user(
            "tanaka@nakadachi.example",
            display_name="田中 誠",
            is_service_sales=True,
        ),
        "case_sales": User.objects.create_user(
            "suzuki@nakadachi.example",
            display_name="鈴木 彩",
            is_case_sales=True,
            is_service_sales=True,
        ),
    }


@pytest.fixture
def example() -> dict:
    """A fresh copy of docs/example-data.json, for a test to alter."""
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def row_counts() -> dict[str, int]:
    """The number of rows of every model of the project, auto-created tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def snapshot() -> dict[str, list[dict]]:
    """Every row of every interchange table, every column: to prove nothing changed."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in INTERCHANGE_APPS
    }


def write_json(path: Path, document) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path
