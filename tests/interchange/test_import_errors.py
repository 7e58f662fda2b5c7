"""Every bad input is reported with its path and reason, and nothing at all is written."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from staffing.interchange import ImportFailed, import_document

from .conftest import row_counts, snapshot, write_json


@pytest.fixture
def loaded(staff, example):
    """The example imported: the database every bad import must leave exactly as it is."""
    import_document(example)
    return {"counts": row_counts(), "rows": snapshot()}


def _import(path) -> tuple[str, list[str]]:
    """Run import_data; return the CommandError's message and the problem lines on stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_data", str(path), stdout=io.StringIO(), stderr=err)
    return str(failure.value), err.getvalue().splitlines()


def _assert_unchanged(loaded) -> None:
    assert row_counts() == loaded["counts"]
    assert snapshot() == loaded["rows"]


def _refused(tmp_path, example, loaded, change, expected: str) -> None:
    """Alter the example, import it: exactly this one problem, and nothing written."""
    change(example)
    message, problems = _import(write_json(tmp_path / "bad.json", example))
    assert problems == [expected]
    assert message == "1 problem; nothing was imported"
    _assert_unchanged(loaded)


@pytest.mark.django_db
def test_a_file_that_is_not_json_is_refused_in_one_line(tmp_path, loaded):
    path = tmp_path / "notes.json"
    path.write_text("registrants: 3\n", encoding="utf-8")

    message, problems = _import(path)

    assert message == f"{path} is not JSON: Expecting value: line 1 column 1 (char 0)"
    assert problems == []
    _assert_unchanged(loaded)


@pytest.mark.django_db
def test_a_file_with_a_wrong_format_marker_is_refused(tmp_path, example, loaded):
    example["format"] = "nakadachi/v0"
    path = write_json(tmp_path / "old.json", example)

    message, problems = _import(path)

    assert message == f'{path}: not a nakadachi/v1 document: "format" is "nakadachi/v0"'
    assert problems == []
    _assert_unchanged(loaded)


@pytest.mark.django_db
def test_a_file_without_a_format_marker_is_refused(tmp_path, example, loaded):
    del example["format"]
    path = write_json(tmp_path / "bare.json", example)

    message, _problems = _import(path)

    assert message == f'{path}: not a nakadachi/v1 document: "format" is missing'
    _assert_unchanged(loaded)


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, example, loaded):
    path = write_json(tmp_path / "big.json", example)
    size = path.stat().st_size

    with override_settings(IMPORT_MAX_BYTES=1000):
        message, _problems = _import(path)

    assert message == (
        f"{path} is {size} bytes, larger than the import limit of 1000 bytes (IMPORT_MAX_BYTES)"
    )
    _assert_unchanged(loaded)


@pytest.mark.django_db
def test_an_unknown_unit_ref(tmp_path, example, loaded):
    def change(doc):
        doc["jobs"][2]["unit"] = "U9"

    _refused(tmp_path, example, loaded, change, 'jobs[2].unit: unknown unit ref "U9"')


@pytest.mark.django_db
def test_a_corporate_number_with_a_wrong_check_digit(tmp_path, example, loaded):
    def change(doc):
        doc["clients"][0]["corporate_number"] = "6010001008846"

    _refused(
        tmp_path, example, loaded, change, "clients[0].corporate_number: check digit does not match"
    )


@pytest.mark.django_db
def test_negative_months_of_experience(tmp_path, example, loaded):
    def change(doc):
        doc["registrants"][1]["experience"][0]["months"] = -3

    _refused(
        tmp_path, example, loaded, change, "registrants[1].experience[0].months: must be 0 or more"
    )


@pytest.mark.django_db
def test_a_job_ending_before_it_starts(tmp_path, example, loaded):
    def change(doc):
        doc["jobs"][0]["end"] = "2026-02-28"

    _refused(tmp_path, example, loaded, change, "jobs[0]: end is before start")


@pytest.mark.django_db
def test_an_end_before_start_against_the_stored_end(tmp_path, example, loaded):
    """A key left out keeps its stored value, so the check uses the stored end."""

    def change(doc):
        job = doc["jobs"][0]
        del job["end"]
        job["start"] = "2026-09-01"  # stored end: 2026-08-31

    _refused(tmp_path, example, loaded, change, "jobs[0]: end is before start")


@pytest.mark.django_db
def test_an_unknown_duty_code(tmp_path, example, loaded):
    def change(doc):
        doc["registrants"][0]["experience"][0]["duty"] = "juggling"

    _refused(
        tmp_path,
        example,
        loaded,
        change,
        'registrants[0].experience[0].duty: unknown duty code "juggling"',
    )


@pytest.mark.django_db
def test_an_unknown_skill_code(tmp_path, example, loaded):
    def change(doc):
        doc["jobs"][1]["skills"].append("telepathy")

    _refused(tmp_path, example, loaded, change, 'jobs[1].skills[1]: unknown skill code "telepathy"')


@pytest.mark.django_db
def test_a_duplicate_ref_in_the_file(tmp_path, example, loaded):
    def change(doc):
        doc["registrants"][1]["ref"] = "R0001"

    _refused(
        tmp_path,
        example,
        loaded,
        change,
        'registrants[1].ref: duplicate ref "R0001" (also at registrants[0])',
    )


@pytest.mark.django_db
def test_a_date_that_does_not_exist(tmp_path, example, loaded):
    def change(doc):
        doc["registrants"][0]["birth_date"] = "1988-02-30"

    _refused(
        tmp_path,
        example,
        loaded,
        change,
        'registrants[0].birth_date: must be a date as YYYY-MM-DD, got "1988-02-30"',
    )


@pytest.mark.django_db
def test_a_value_outside_the_enumeration(tmp_path, example, loaded):
    def change(doc):
        doc["jobs"][0]["status"] = "opened"

    _refused(
        tmp_path,
        example,
        loaded,
        change,
        'jobs[0].status: "opened" is not one of: draft, open, paused, filled, closed',
    )


@pytest.mark.django_db
def test_a_missing_required_key(tmp_path, example, loaded):
    def change(doc):
        del doc["registrants"][0]["family_name"]

    _refused(tmp_path, example, loaded, change, "registrants[0].family_name: is required")


@pytest.mark.django_db
def test_a_value_of_the_wrong_type(tmp_path, example, loaded):
    def change(doc):
        doc["registrants"][0]["desired"]["min_hourly_wage"] = "1700"

    _refused(
        tmp_path,
        example,
        loaded,
        change,
        "registrants[0].desired.min_hourly_wage: must be a whole number",
    )


@pytest.mark.django_db
def test_a_malformed_postal_code(tmp_path, example, loaded):
    def change(doc):
        doc["clients"][1]["establishments"][0]["postal_code"] = "160-23"

    _refused(
        tmp_path,
        example,
        loaded,
        change,
        "clients[1].establishments[0].postal_code: must be a postal code of 7 digits, "
        'e.g. 100-0005, got "160-23"',
    )


@pytest.mark.django_db
def test_an_unknown_staff_email(tmp_path, example, loaded):
    def change(doc):
        doc["jobs"][0]["case_sales"] = "nobody@nakadachi.example"

    _refused(
        tmp_path,
        example,
        loaded,
        change,
        'jobs[0].case_sales: unknown staff e-mail "nobody@nakadachi.example"',
    )


@pytest.mark.django_db
def test_a_staff_user_without_the_role(tmp_path, example, loaded):
    def change(doc):
        doc["jobs"][0]["case_sales"] = "Tanaka@Nakadachi.example"  # service sales only

    _refused(
        tmp_path,
        example,
        loaded,
        change,
        'jobs[0].case_sales: "tanaka@nakadachi.example" is not a staff user with the role '
        '"case sales rep"',
    )


@pytest.mark.django_db
def test_an_unknown_key(tmp_path, example, loaded):
    def change(doc):
        doc["registrants"][0]["desired"]["salary"] = 3

    _refused(tmp_path, example, loaded, change, "registrants[0].desired.salary: unknown key")


@pytest.mark.django_db
def test_a_corporate_number_that_belongs_to_another_client(tmp_path, example, loaded):
    def change(doc):
        doc["clients"] = [{"ref": "C003", "name": "別会社", "corporate_number": "5010001008846"}]

    _refused(
        tmp_path,
        example,
        loaded,
        change,
        'clients[0].corporate_number: "5010001008846" already belongs to client ref "C001"',
    )


@pytest.mark.django_db
def test_every_problem_is_listed_in_document_order(tmp_path, example, loaded):
    example["registrants"][0]["experience"][1]["months"] = -1
    example["registrants"][1]["assignments"][0]["end"] = "2024-01-01"
    example["jobs"][2]["unit"] = "U9"
    example["clients"][0]["corporate_number"] = "6010001008846"

    message, problems = _import(write_json(tmp_path / "bad.json", example))

    assert problems == [
        "clients[0].corporate_number: check digit does not match",
        "registrants[0].experience[1].months: must be 0 or more",
        "registrants[1].assignments[0]: end is before start",
        'jobs[2].unit: unknown unit ref "U9"',
    ]
    assert message == "4 problems; nothing was imported"
    _assert_unchanged(loaded)


@pytest.mark.django_db
def test_the_python_api_raises_import_failed_with_the_problems(example, loaded):
    example["jobs"][2]["unit"] = "U9"

    with pytest.raises(ImportFailed) as failure:
        import_document(example)

    assert failure.value.errors == ['jobs[2].unit: unknown unit ref "U9"']
    _assert_unchanged(loaded)
