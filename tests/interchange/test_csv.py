"""CSV import: one record per row, the same validation, problems by line and column."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jobs.models import Job, JobConfidential
from registrants.models import Registrant
from staffing.interchange import import_document

from .conftest import row_counts, snapshot

REGISTRANTS_CSV = """\
ref,family_name,given_name,family_name_kana,given_name_kana,email,birth_date,postal_code,\
agency_employment,desired_duty_categories,desired_min_hourly_wage,desired_contract_months_min,\
desired_contract_months_max,experience,skills,qualifications,employment_history,assignments
R1001,高橋,美咲,タカハシ,ミサキ,misaki@example.jp,1992-07-03,100-0005,fixed_term,\
general_office;accounting,1600,3,12,data_entry:24:2025;journal_entry:12,excel_vlookup;word,boki_3,\
4012001034567:2014-04-01:2019-03-31:regular:false:株式会社ひまわり会計: 経理部,\
U001:2020-04-01:2021-03-31:1500:2300
R1002,伊藤,翔,イトウ,ショウ,,,,indefinite,,,,,"inbound_calls:6",,,,
"""

JOBS_CSV = """\
ref,unit,duty_category,title,required,preferred,skills,hourly_wage,transport_allowance,start,end,\
postal_code,status,case_sales,confidential_reason,confidential_bill_rate
J100,U004,logistics_office,在庫管理スタッフ,inventory_control:6,data_entry:0,excel_vlookup,1450,\
20000,2026-05-01,2026-10-31,231-0023,open,suzuki@nakadachi.example,増員,2200
J101,U004,,倉庫事務,,,,1400,none,2026-06-01,,231-0023,draft,,,
"""


def _import_csv(tmp_path, kind: str, text: str) -> str:
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_csv", str(path), kind=kind, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def loaded(staff, example):
    import_document(example)


@pytest.mark.django_db
def test_registrants_csv_becomes_registrants_with_their_child_rows(tmp_path, loaded):
    _import_csv(tmp_path, "registrants", REGISTRANTS_CSV)

    misaki = Registrant.objects.get(ref="R1001")
    assert (misaki.prefecture, misaki.city, misaki.min_hourly_wage) == ("東京都", "千代田区", 1600)
    assert sorted(misaki.desired_duty_categories.values_list("code", flat=True)) == [
        "accounting",
        "general_office",
    ]
    assert sorted(misaki.experiences.values_list("duty__code", "months", "last_year")) == [
        ("data_entry", 24, 2025),
        ("journal_entry", 12, None),
    ]
    assert sorted(misaki.skills.values_list("code", flat=True)) == ["excel_vlookup", "word"]
    history = misaki.employment_history.get()
    assert history.employer_name == "株式会社ひまわり会計: 経理部"  # the last part may hold ":"
    assert str(history.end) == "2019-03-31"
    assignment = misaki.assignments.get()
    assert (assignment.unit.ref, assignment.hourly_bill_rate) == ("U001", 2300)
    sho = Registrant.objects.get(ref="R1002")
    assert (sho.agency_employment, sho.birth_date, sho.postal_code) == ("indefinite", None, "")
    assert list(sho.experiences.values_list("duty__code", flat=True)) == ["inbound_calls"]


@pytest.mark.django_db
def test_jobs_csv_becomes_job_cases(tmp_path, loaded):
    _import_csv(tmp_path, "jobs", JOBS_CSV)

    job = Job.objects.get(ref="J100")
    assert (job.transport_allowance, job.transport_cap_per_month) == ("capped", 20000)
    assert sorted(job.duties.values_list("kind", "duty__code", "min_months")) == [
        ("preferred", "data_entry", 0),
        ("required", "inventory_control", 6),
    ]
    assert (job.confidential.reason, job.confidential.bill_rate, job.confidential.notes) == (
        "増員",
        2200,
        "",
    )
    plain = Job.objects.get(ref="J101")
    assert (plain.end, plain.duty_category, plain.transport_allowance) == (None, None, "none")
    assert not JobConfidential.objects.filter(job=plain).exists()


@pytest.mark.django_db
def test_a_csv_problem_names_line_and_column_and_nothing_is_written(tmp_path, loaded):
    bad = (
        REGISTRANTS_CSV.replace("inbound_calls:6", "inbound_calls:-6")
        .replace("100-0005", "1000")
        # a quoted cell over two lines: the next record starts on line 4
        .replace(
            "4012001034567:2014-04-01:2019-03-31:regular:false:株式会社ひまわり会計: 経理部",
            '"4012001034567:2014-04-01:2019-03-31:regular:false:株式会社ひまわり会計\n経理部"',
        )
    )
    counts, rows = row_counts(), snapshot()
    err = io.StringIO()

    with pytest.raises(CommandError) as failure:
        path = tmp_path / "registrants.csv"
        path.write_text(bad, encoding="utf-8")
        call_command("import_csv", str(path), kind="registrants", stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        'line 2, column postal_code: must be a postal code of 7 digits, e.g. 100-0005, got "1000"',
        "line 4, column experience (entry 1, months): must be 0 or more",
    ]
    assert str(failure.value) == "2 problems; nothing was imported"
    assert row_counts() == counts
    assert snapshot() == rows


@pytest.mark.django_db
def test_an_unknown_csv_column_is_named(tmp_path, loaded):
    with pytest.raises(CommandError):
        err = io.StringIO()
        path = tmp_path / "jobs.csv"
        path.write_text("ref,unit,title,hourly_wage,start,postal_code,salary\n", encoding="utf-8")
        call_command("import_csv", str(path), kind="jobs", stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == ["line 1, column salary: unknown column"]


@pytest.mark.django_db
def test_a_shift_jis_file_is_read_with_the_encoding_option(tmp_path, loaded):
    path = tmp_path / "registrants.csv"
    path.write_bytes("ref,family_name,given_name\nR2001,渡辺,直美\n".encode("cp932"))

    call_command(
        "import_csv",
        str(path),
        kind="registrants",
        encoding="cp932",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    assert Registrant.objects.get(ref="R2001").full_name == "渡辺 直美"
