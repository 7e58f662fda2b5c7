"""Export is lossless and deterministic; import is an idempotent upsert."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from jobs.models import (
    Assignment,
    Client,
    Duty,
    DutyCategory,
    Establishment,
    Job,
    JobConfidential,
    JobDuty,
    Qualification,
    Skill,
    Unit,
)
from registrants.models import DirectEmployment, DutyExperience, Registrant
from staffing.interchange import (
    ImportFailed,
    dumps,
    export_document,
    import_document,
    write_document,
)
from staffing.models import AuditEvent

from .conftest import EXAMPLE, snapshot


def _export_text() -> str:
    out = io.StringIO()
    call_command("export_data", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _empty_the_database() -> None:
    Registrant.objects.all().delete()
    Job.objects.all().delete()
    Client.objects.all().delete()
    Duty.objects.all().delete()
    for model in (DutyCategory, Skill, Qualification):
        model.objects.all().delete()


@pytest.mark.django_db
def test_example_document_imports_with_every_record(staff, example):
    call_command("import_data", str(EXAMPLE), stdout=io.StringIO(), stderr=io.StringIO())

    assert Client.objects.count() == 2
    assert (Establishment.objects.count(), Unit.objects.count()) == (3, 4)
    assert (Registrant.objects.count(), Job.objects.count()) == (2, 3)
    assert DutyExperience.objects.count() == 5
    assert DirectEmployment.objects.count() == 2
    assert Assignment.objects.count() == 3
    assert JobDuty.objects.count() == 7
    assert JobConfidential.objects.count() == 2
    hanako = Registrant.objects.get(ref="R0001")
    assert (hanako.prefecture, hanako.city) == ("東京都", "渋谷区")
    assert sorted(hanako.desired_duty_categories.values_list("code", flat=True)) == [
        "accounting",
        "general_office",
    ]
    job = Job.objects.get(ref="J001")
    assert (job.transport_allowance, job.transport_cap_per_month) == ("capped", 30000)
    assert job.case_sales == staff["case_sales"]
    assert job.confidential.bill_rate == 2700
    assert Assignment.objects.get(registrant__ref="R0002").job == Job.objects.get(ref="J002")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 1


@pytest.mark.django_db
def test_export_writes_the_example_records_exactly_as_shipped(staff, example):
    import_document(example)

    exported = export_document()

    for name in ("clients", "registrants", "jobs"):
        assert exported[name] == example[name]
    for name in ("duty_categories", "skills", "qualifications", "duties"):
        for record in example[name]:
            assert record in exported[name]


@pytest.mark.django_db
def test_export_then_import_into_an_empty_database_then_export_is_byte_identical(staff, example):
    import_document(example)
    first = _export_text()
    _empty_the_database()
    assert Registrant.objects.count() == Duty.objects.count() == 0

    import_document(json.loads(first))
    second = _export_text()

    assert second == first
    assert first == dumps(export_document())  # streamed and in-memory exports agree


@pytest.mark.django_db
def test_streamed_export_of_an_empty_database_is_valid_json():
    _empty_the_database()
    out = io.StringIO()

    counts = write_document(out)

    assert json.loads(out.getvalue())["registrants"] == []
    assert set(counts.values()) == {0}
    assert out.getvalue() == dumps(export_document())


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(staff, example):
    import_document(example)
    before = snapshot()

    result = import_document(example)

    assert not result.changed
    assert snapshot() == before  # same row counts, same pks, same values (updated_at too)
    assert result.counts["registrants"].unchanged == 2
    assert result.counts["registrants.experience"].unchanged == 5


@pytest.mark.django_db
def test_reimport_diffs_child_rows_and_keeps_the_pks_of_unchanged_ones(staff, example):
    import_document(example)
    kept = DutyExperience.objects.get(registrant__ref="R0001", duty__code="data_entry").pk
    registrant_pk = Registrant.objects.get(ref="R0001").pk
    experience = example["registrants"][0]["experience"]
    experience[0]["months"] = 40  # accounts_payable: updated
    del experience[2]  # journal_entry: deleted
    experience.append({"duty": "filing", "months": 3})  # created

    result = import_document(example)

    counts = result.counts["registrants.experience"]
    assert (counts.created, counts.updated, counts.deleted) == (1, 1, 1)
    rows = dict(
        DutyExperience.objects.filter(registrant__ref="R0001").values_list("duty__code", "months")
    )
    assert rows == {"accounts_payable": 40, "data_entry": 60, "filing": 3}
    assert DutyExperience.objects.filter(pk=kept).exists()
    assert Registrant.objects.get(ref="R0001").pk == registrant_pk
    assert result.counts["registrants"].updated == 0


@pytest.mark.django_db
def test_a_key_left_out_keeps_the_stored_value(staff, example):
    import_document(example)

    import_document(
        {
            "format": "nakadachi/v1",
            "registrants": [
                {
                    "ref": "R0001",
                    "family_name": "山田",
                    "given_name": "花子",
                    "phone": "03-0000-0000",
                },
            ],
        }
    )

    hanako = Registrant.objects.get(ref="R0001")
    assert hanako.phone == "03-0000-0000"
    assert hanako.min_hourly_wage == 1700
    assert hanako.experiences.count() == 3


@pytest.mark.django_db
def test_a_job_moving_a_duty_from_required_to_preferred_updates_the_row(staff, example):
    import_document(example)
    row = JobDuty.objects.get(job__ref="J001", duty__code="journal_entry")
    job = example["jobs"][0]
    job["preferred"].append(job["required"].pop(0))

    import_document(example)

    moved = JobDuty.objects.get(job__ref="J001", duty__code="journal_entry")
    assert (moved.pk, moved.kind) == (row.pk, "preferred")


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_back_everything_written_before_it(
    staff, example, monkeypatch
):
    from staffing.interchange import importer

    real = importer._write_batch

    def fail_at_registrants(spec, *args):
        if spec.name == "registrants":
            raise IntegrityError("simulated")
        return real(spec, *args)

    monkeypatch.setattr(importer, "_write_batch", fail_at_registrants)

    with pytest.raises(ImportFailed) as failure:
        import_document(example)

    assert failure.value.errors == [
        "the database refused the import; nothing was written: simulated"
    ]
    assert not Client.objects.exists() and not Job.objects.exists()
    assert not Skill.objects.filter(code="google_workspace").exists()


@pytest.mark.django_db
def test_import_reports_progress_per_phase(staff, example):
    calls = []

    import_document(example, progress=lambda phase, done, total: calls.append((phase, done, total)))

    assert ("validate registrants", 2, 2) in calls
    assert ("write registrants", 2, 2) in calls
    assert ("write units", 4, 4) in calls


@pytest.mark.django_db
def test_a_dry_run_validates_and_writes_nothing(staff):
    out = io.StringIO()

    call_command("import_data", str(EXAMPLE), "--dry-run", stdout=out, stderr=io.StringIO())

    assert out.getvalue() == f"{EXAMPLE}: valid, nothing written\n"
    assert not Registrant.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_export_is_logged_as_an_audit_event(staff, example):
    import_document(example)

    _export_text()

    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.subject == "export_data stdout"
    assert "registrants: 2" in event.detail
