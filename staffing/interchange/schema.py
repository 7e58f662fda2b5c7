"""The nakadachi/v1 record types, each declared once: validation, import, export and the CSV
columns are all driven from these specs (see `fields.py` for the building blocks)."""

from django.utils.translation import gettext as _

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

from .fields import Check, Child, Entity, Field, model_field
from .types import CorporateNumber, PostalCode, Ref, Staff, Transport

FORMAT = "nakadachi/v1"

# kind → (model, key attribute); the label is how messages name a reference of that kind
KINDS = {
    "duty_category": (DutyCategory, "code"),
    "duty": (Duty, "code"),
    "skill": (Skill, "code"),
    "qualification": (Qualification, "code"),
    "client": (Client, "ref"),
    "establishment": (Establishment, "ref"),
    "unit": (Unit, "ref"),
    "job": (Job, "ref"),
    "registrant": (Registrant, "ref"),
}


def kind_label(kind: str) -> str:
    return {
        "duty_category": _("duty category code"),
        "duty": _("duty code"),
        "skill": _("skill code"),
        "qualification": _("qualification code"),
        "client": _("client ref"),
        "establishment": _("establishment ref"),
        "unit": _("unit ref"),
        "job": _("job ref"),
        "registrant": _("registrant ref"),
    }[kind]


def _not_before(start, end) -> bool:
    return start is None or end is None or end >= start


def _ref(key: str, attr: str, kind: str, *, required: bool = True) -> Field:
    return Field(key, (attr,), Ref(kind, null=not required), required=required)


def _codes(key: str, model, parent_attr: str, attr: str, kind: str) -> Child:
    """A list of taxonomy codes stored in a many-to-many table."""
    return Child(
        key,
        model,
        parent_attr,
        [Field("", (attr,), Ref(kind), required=True)],
        identity=("",),
        shape="codes",
        order=("",),
    )


def _postal(model, *, blank: bool = False) -> Field:
    derived = {"setter": "apply_postal_code", "writes": ("postal_code", "prefecture", "city")}
    return model_field(
        model,
        "postal_code",
        type=PostalCode(blank=blank),
        **(derived if hasattr(model, "apply_postal_code") else {}),
    )


def _taxonomy(name: str, model, kind: str, before=(), after=()) -> Entity:
    return Entity(
        name,
        model,
        kind,
        key_attr="code",
        members=[
            model_field(model, "code"),
            *before,
            model_field(model, "name_ja"),
            model_field(model, "name_en"),
            *after,
            model_field(model, "sort_order"),
        ],
    )


DUTY_CATEGORIES = _taxonomy("duty_categories", DutyCategory, "duty_category")
SKILLS = _taxonomy("skills", Skill, "skill")
QUALIFICATIONS = _taxonomy("qualifications", Qualification, "qualification")
DUTIES = _taxonomy(
    "duties",
    Duty,
    "duty",
    before=[_ref("category", "category_id", "duty_category")],
    after=[model_field(Duty, "day_dispatch_exempt"), model_field(Duty, "prohibited")],
)

UNITS = Entity(
    "units",
    Unit,
    "unit",
    parent_attr="establishment_id",
    members=[
        model_field(Unit, "ref"),
        model_field(Unit, "name"),
    ],
)
ESTABLISHMENTS = Entity(
    "establishments",
    Establishment,
    "establishment",
    parent_attr="client_id",
    members=[
        model_field(Establishment, "ref"),
        model_field(Establishment, "name"),
        _postal(Establishment),
        model_field(Establishment, "address"),
        model_field(Establishment, "conflict_date"),
        model_field(Establishment, "conflict_date_extended_to"),
        UNITS,
    ],
    checks=(
        Check(
            ("conflict_date", "conflict_date_extended_to"),
            lambda first, extended: first is None or extended is None or extended > first,
            lambda: _("must be after conflict_date"),
            key="conflict_date_extended_to",
        ),
    ),
)
CLIENTS = Entity(
    "clients",
    Client,
    "client",
    unique=("corporate_number",),
    members=[
        model_field(Client, "ref"),
        model_field(Client, "name"),
        model_field(Client, "corporate_number", type=CorporateNumber()),
        model_field(Client, "industry"),
        model_field(Client, "service_sales", type=Staff("is_service_sales")),
        model_field(Client, "notes"),
        ESTABLISHMENTS,
    ],
)


def _end_not_before_start(message=None) -> Check:
    return Check(("start", "end"), _not_before, message or (lambda: _("end is before start")))


_R = Registrant
REGISTRANTS = Entity(
    "registrants",
    Registrant,
    "registrant",
    members=[
        *(
            model_field(_R, name)
            for name in (
                "ref",
                "family_name",
                "given_name",
                "family_name_kana",
                "given_name_kana",
                "email",
                "phone",
                "birth_date",
            )
        ),
        _postal(_R, blank=True),
        *(
            model_field(_R, name)
            for name in (
                "nearest_station",
                "agency_employment",
                "day_dispatch_exemption",
                "day_dispatch_exemption_verified",
                "education",
            )
        ),
        _codes(
            "desired.duty_categories",
            _R.desired_duty_categories.through,
            "registrant_id",
            "dutycategory_id",
            "duty_category",
        ),
        *(
            model_field(_R, name, key=f"desired.{name}")
            for name in (
                "min_hourly_wage",
                "max_commute_minutes",
                "contract_months_min",
                "contract_months_max",
            )
        ),
        model_field(_R, "desired_days", key="desired.days"),
        model_field(_R, "desired_hours", key="desired.hours"),
        *(
            model_field(_R, name, key=f"desired.{name}")
            for name in (
                "available_from",
                "accepts_concurrent",
                "transport_allowance_required",
            )
        ),
        Child(
            "experience",
            DutyExperience,
            "registrant_id",
            [
                _ref("duty", "duty_id", "duty"),
                model_field(DutyExperience, "months"),
                model_field(DutyExperience, "last_year"),
            ],
            identity=("duty",),
            order=("duty",),
            cell_parts=("duty", "months", "last_year"),
        ),
        _codes("skills", _R.skills.through, "registrant_id", "skill_id", "skill"),
        _codes(
            "qualifications",
            _R.qualifications.through,
            "registrant_id",
            "qualification_id",
            "qualification",
        ),
        Child(
            "employment_history",
            DirectEmployment,
            "registrant_id",
            [
                model_field(DirectEmployment, "employer_corporate_number", type=CorporateNumber()),
                model_field(DirectEmployment, "employer_name"),
                model_field(DirectEmployment, "start"),
                model_field(DirectEmployment, "end"),
                model_field(DirectEmployment, "employment_type", key="type"),
                model_field(DirectEmployment, "retired_at_mandatory_age"),
            ],
            identity=("employer_corporate_number", "start"),
            order=("start", "employer_corporate_number"),
            checks=(_end_not_before_start(),),
            # the employer's name comes last in a CSV cell, so it may contain ":"
            cell_parts=(
                "employer_corporate_number",
                "start",
                "end",
                "type",
                "retired_at_mandatory_age",
                "employer_name",
            ),
        ),
        Child(
            "assignments",
            Assignment,
            "registrant_id",
            [
                _ref("unit", "unit_id", "unit"),
                model_field(Assignment, "start"),
                model_field(Assignment, "end"),
                model_field(Assignment, "hourly_wage"),
                model_field(Assignment, "hourly_bill_rate"),
                _ref("job", "job_id", "job", required=False),
            ],
            identity=("unit", "start"),
            order=("start", "unit"),
            checks=(_end_not_before_start(),),
            cell_parts=("unit", "start", "end", "hourly_wage", "hourly_bill_rate", "job"),
        ),
        *(
            model_field(_R, name)
            for name in (
                "accepts_proposals",
                "contact_by_email",
                "contact_by_phone",
                "alert_frequency",
                "alert_min_score",
                "registered_at",
                "privacy_consent_at",
            )
        ),
    ],
    checks=(
        Check(
            ("desired.contract_months_min", "desired.contract_months_max"),
            _not_before,
            lambda: _("contract_months_max is less than contract_months_min"),
            key="desired",
        ),
    ),
)


def _job_duties(kind: str) -> Child:
    return Child(
        kind,
        JobDuty,
        "job_id",
        [_ref("duty", "duty_id", "duty"), model_field(JobDuty, "min_months")],
        identity=("duty",),
        fixed={"kind": kind},
        group="duties",
        order=("duty",),
        cell_parts=("duty", "min_months"),
    )


_J = Job
JOBS = Entity(
    "jobs",
    Job,
    "job",
    members=[
        model_field(_J, "ref"),
        _ref("unit", "unit_id", "unit"),
        _ref("duty_category", "duty_category_id", "duty_category", required=False),
        model_field(_J, "title"),
        model_field(_J, "description"),
        _job_duties(JobDuty.Kind.REQUIRED.value),
        _job_duties(JobDuty.Kind.PREFERRED.value),
        _codes("skills", _J.skills.through, "job_id", "skill_id", "skill"),
        _codes(
            "qualifications",
            _J.qualifications.through,
            "job_id",
            "qualification_id",
            "qualification",
        ),
        model_field(_J, "hourly_wage"),
        Field(
            "transport_allowance", ("transport_allowance", "transport_cap_per_month"), Transport()
        ),
        *(
            model_field(_J, name)
            for name in (
                "start",
                "end",
                "employment_contract_days",
                "renewal_possible",
                "headcount",
                "individual_limit_exemption",
                "work_days",
                "work_hours",
            )
        ),
        _postal(_J),
        *(model_field(_J, name) for name in ("place", "dress_code", "status")),
        model_field(_J, "case_sales", type=Staff("is_case_sales")),
        *(model_field(_J, name) for name in ("info_valid_on", "published_at", "created_at")),
        Child(
            "confidential",
            JobConfidential,
            "job_id",
            [
                model_field(JobConfidential, name)
                for name in (
                    "department_detail",
                    "team",
                    "reason",
                    "selection_schedule",
                    "bill_rate",
                    "notes",
                )
            ],
            identity=(),
            shape="object",
        ),
    ],
    checks=(_end_not_before_start(),),
)

# An entity nested in another (establishments in clients) → the one it is nested in.
PARENTS = {nested.name: spec for spec in (CLIENTS, ESTABLISHMENTS) for nested in spec.nested}

# The order of the lists in an exported file.
SECTIONS = [DUTY_CATEGORIES, SKILLS, QUALIFICATIONS, DUTIES, CLIENTS, REGISTRANTS, JOBS]
# The order of writing: whatever is referred to comes first (assignments refer to jobs).
WRITE_ORDER = [
    DUTY_CATEGORIES,
    SKILLS,
    QUALIFICATIONS,
    DUTIES,
    CLIENTS,
    ESTABLISHMENTS,
    UNITS,
    JOBS,
    REGISTRANTS,
]
