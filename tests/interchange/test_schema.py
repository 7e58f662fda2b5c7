"""The format carries every field of the models it covers, so export → import loses nothing.

When a model of the format gains a field, this test fails until the field is added to
staffing/interchange/schema.py (and docs/data-format.md) or named below as derived."""

import json

import pytest

from staffing.interchange.csv_import import CSV_KINDS, columns
from staffing.interchange.fields import Child, Field
from staffing.interchange.lazy import LazyList, loads_lazily
from staffing.interchange.schema import WRITE_ORDER

from .conftest import EXAMPLE, ROOT

# Not in the file, on purpose: primary keys, what is derived from the postal code, the
# automatic change time, and registrants' logins (staff and logins are not part of the format).
NOT_CARRIED = {"id", "prefecture", "city", "updated_at", "user_id"}


@pytest.mark.parametrize("spec", WRITE_ORDER, ids=lambda spec: spec.name)
def test_every_field_of_a_record_type_is_carried(spec):
    carried = {attr for f in spec.fields for attr in f.attrs} | {spec.parent_attr} - {""}
    fields = {f.attname for f in spec.model._meta.concrete_fields}

    assert fields - carried == NOT_CARRIED & fields
    assert {f.name for f in spec.model._meta.many_to_many} == {
        _m2m_name(spec.model, child) for child in spec.children if child.shape == "codes"
    }


@pytest.mark.parametrize(
    "child",
    [c for spec in WRITE_ORDER for c in spec.children if c.shape != "codes"],
    ids=lambda child: f"{child.model.__name__}",
)
def test_every_field_of_a_child_row_is_carried(child):
    carried = {attr for f in child.fields for attr in f.attrs} | set(child.fixed)
    fields = {f.attname for f in child.model._meta.concrete_fields}

    assert fields - carried == {"id", child.parent_attr}


def _m2m_name(model, child) -> str:
    return next(f.name for f in model._meta.many_to_many if f.remote_field.through is child.model)


def test_lazy_reading_gives_the_same_records_as_json_loads():
    text = EXAMPLE.read_text(encoding="utf-8")

    lazy = loads_lazily(text)

    assert isinstance(lazy["registrants"], LazyList)
    assert {
        key: list(value) if isinstance(value, LazyList) else value for key, value in lazy.items()
    } == json.loads(text)
    assert lazy["jobs"][2] == json.loads(text)["jobs"][2]
    assert len(lazy["clients"]) == 2


@pytest.mark.parametrize(
    "text",
    [
        '{"format": "nakadachi/v1", "registrants": [{"ref": "R1"} {"ref": "R2"}]}',
        '{"format": "nakadachi/v1", "registrants": [{"ref": "R1"},]}',
        '{"format": "nakadachi/v1" "jobs": []}',
        '{"format": "nakadachi/v1", "jobs": []} trailing',
        '{"format": "nakadachi/v1", "jobs": [',
        '{"format": "nakadachi/v1", jobs: []}',
    ],
)
def test_lazy_reading_refuses_what_json_loads_refuses(text):
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        loads_lazily(text)


DOC = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")


def test_the_documented_example_is_the_shipped_example():
    block = DOC.split("## Complete example", 1)[1].split("```json\n", 1)[1].split("\n```", 1)[0]

    assert json.loads(block) == json.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("spec", WRITE_ORDER, ids=lambda spec: spec.name)
def test_every_key_and_csv_column_is_documented(spec):
    keys = {m.key if isinstance(m, Field | Child) else m.name for m in spec.members}
    keys |= {f.key for child in spec.children for f in child.fields if f.key}
    documented = {key for key in keys if f"`{key.rpartition('.')[2]}`" in DOC}

    assert documented == keys
    if spec.name in CSV_KINDS:
        for column in columns(spec):
            assert f"`{column.name}`" in DOC
