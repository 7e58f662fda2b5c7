"""Small builders for engine inputs: a plain registrant and job that fit each other, so a test
changes only what its rule is about."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from jobs.matching.types import Experience, JobCase, RegistrantProfile, Requirement

TODAY = date(2026, 4, 1)
SHINJUKU = (35.6938, 139.7034)
SHIBUYA = (35.6580, 139.7016)
CHIBA = (35.6074, 140.1065)
ODAWARA = (35.2647, 139.1522)


def profile(**changes: Any) -> RegistrantProfile:
    base = RegistrantProfile(
        id=1,
        ref="R-1",
        birth_date=date(1990, 5, 20),
        experience=(Experience("data_entry", 36, 2025), Experience("phone_reception", 24, 2025)),
        skills=frozenset({"excel"}),
        qualifications=frozenset({"mos_excel"}),
        min_hourly_wage=1500,
        max_commute_minutes=60,
        contract_months_min=3,
        contract_months_max=12,
        available_from=date(2026, 5, 1),
        location=SHINJUKU,
    )
    return replace(base, **changes)


def job(**changes: Any) -> JobCase:
    base = JobCase(
        id=100,
        ref="J-100",
        unit_id=10,
        establishment_id=5,
        corporate_number="1010001000001",
        required=(Requirement("data_entry", 12), Requirement("phone_reception", 6)),
        preferred=(Requirement("filing", 0),),
        skills=frozenset({"excel"}),
        qualifications=frozenset({"mos_excel"}),
        hourly_wage=1700,
        transport_allowance="full",
        start=date(2026, 6, 1),
        end=date(2026, 11, 30),
        location=SHIBUYA,
        duty_category="general_office",
    )
    return replace(base, **changes)


def codes(findings: Any) -> list[str]:
    return [finding.code for finding in findings]


def finding(findings: Any, code: str) -> Any:
    matches = [f for f in findings if f.code == code]
    assert len(matches) == 1, f"expected one {code!r} in {codes(findings)}"
    return matches[0]
