"""Every catch (訳アリ) is computed and travels with the match as a code plus params."""

import json
from datetime import date

from jobs.matching.breakdown import explain
from jobs.matching.types import Experience, PastAssignment

from .builders import CHIBA, TODAY, codes, finding, job, profile


def _caveats(worker=None, case=None):
    return explain(worker or profile(), case or job(), TODAY).caveats


def test_a_plain_good_fit_has_no_caveats():
    assert _caveats() == ()


def test_wage_below_desired():
    caveat = finding(_caveats(case=job(hourly_wage=1400)), "wage_below_desired")
    assert caveat.params == {"wage": 1400, "desired": 1500}


def test_no_transport_allowance():
    worker = profile(transport_allowance_required=True)
    caveat = finding(_caveats(worker, job(transport_allowance="none")), "no_transport_allowance")
    assert caveat.params == {"required": True}


def test_long_commute():
    caveat = finding(_caveats(profile(location=CHIBA, max_commute_minutes=45)), "long_commute")
    assert caveat.params == {"minutes": 84, "max": 45}  # Chiba → Shibuya, about 37 km


def test_contract_shorter_than_desired():
    short = job(start=date(2026, 6, 1), end=date(2026, 7, 31))
    caveat = finding(
        _caveats(profile(contract_months_min=6), short), "contract_shorter_than_desired"
    )
    assert caveat.params == {"months": 2.0, "min": 6}


def test_contract_longer_than_desired():
    caveat = finding(_caveats(profile(contract_months_max=3)), "contract_longer_than_desired")
    assert caveat.params == {"months": 6.0, "max": 3}
    open_ended = finding(
        _caveats(profile(contract_months_max=3), job(end=None)), "contract_longer_than_desired"
    )
    assert open_ended.params == {"months": None, "max": 3}


def test_same_unit_before():
    earlier = PastAssignment(10, 5, "1010001000001", date(2024, 4, 1), date(2025, 3, 31))
    caveat = finding(_caveats(profile(assignments=(earlier,))), "same_unit_before")
    assert caveat.params == {
        "earlier": [["2024-04-01", "2025-03-31"]],
        "conflict_date": "2029-06-01",
        "chained": False,
    }


def test_missing_required_duty():
    worker = profile(experience=(Experience("data_entry", 8, 2025),))
    found = [c.params for c in _caveats(worker) if c.code == "missing_required_duty"]
    assert found == [
        {"duty": "data_entry", "months_had": 8, "months_required": 12},
        {"duty": "phone_reception", "months_had": 0, "months_required": 6},
    ]


def test_start_before_available():
    caveat = finding(_caveats(profile(available_from=date(2026, 6, 15))), "start_before_available")
    assert caveat.params == {"start": "2026-06-01", "available_from": "2026-06-15"}


def test_schedule_overlap_caveat_when_concurrent_work_is_accepted():
    current = PastAssignment(77, 7, "3030001000003", date(2026, 4, 1), date(2026, 6, 30))
    worker = profile(assignments=(current,), accepts_concurrent=True)
    result = explain(worker, job(), TODAY)
    assert result.eligible
    assert finding(result.caveats, "schedule_overlap").params == {
        "start": "2026-04-01",
        "end": "2026-06-30",
    }


def test_flagged_requirement():
    case = job(flagged_phrases=("眼鏡不可",))
    assert finding(_caveats(case=case), "flagged_requirement").params == {"phrases": ["眼鏡不可"]}


def test_individual_limit_near():
    earlier = PastAssignment(10, 5, "1010001000001", date(2023, 12, 15), date(2026, 5, 20))
    result = explain(profile(assignments=(earlier,)), job(), TODAY)
    assert result.eligible
    assert finding(result.caveats, "individual_limit_near").params == {
        "conflict_date": "2026-12-15"
    }


def test_all_findings_are_json_serializable():
    earlier = PastAssignment(10, 5, "1010001000001", date(2023, 12, 15), date(2026, 5, 20))
    worker = profile(
        assignments=(earlier,),
        location=CHIBA,
        max_commute_minutes=30,
        available_from=date(2026, 7, 1),
    )
    case = job(hourly_wage=1000, transport_allowance="none", flagged_phrases=("男性歓迎",))
    result = explain(worker, case, TODAY)
    assert len(result.caveats) >= 6
    assert json.loads(json.dumps(result.to_dict()))["caveats"][0]["code"] in codes(result.caveats)


def test_requirement_coverage_lists_every_requirement_with_what_the_registrant_has():
    from jobs.matching.breakdown import requirement_coverage

    worker = profile(experience=(Experience("data_entry", 8, 2025),), skills=frozenset())
    shown = requirement_coverage(worker, job())
    assert shown["required"] == [
        {"duty": "data_entry", "months_required": 12, "months_had": 8, "covered": False},
        {"duty": "phone_reception", "months_required": 6, "months_had": 0, "covered": False},
    ]
    assert shown["skills"] == [{"skill": "excel", "held": False}]
    assert shown["qualifications"] == [{"qualification": "mos_excel", "held": True}]
