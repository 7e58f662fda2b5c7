import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jobs import findings, workflow
from jobs.matching_adapter import explain_pair, queue_rank_registrant
from jobs.models import Application, Duty, Job, Status
from jobs.services import PlacementRefused, apply_to_job
from staffing.models import AuditEvent, Role, User
from staffing.notifications import notify
from staffing.services import record_audit

from .models import DirectEmployment, Dismissal, DutyExperience, Registrant


@transaction.atomic
def sign_up_registrant(
    *,
    email: str,
    password: str,
    family_name: str,
    given_name: str,
    family_name_kana: str = "",
    given_name_kana: str = "",
    language: str = "ja",
) -> Registrant:
    """A person registers on the portal: one login, one registrant record, consent recorded."""
    user = User.objects.create_user(
        email,
        password,
        display_name=f"{family_name} {given_name}",
        is_registrant=True,
        language=language,
    )
    registrant = Registrant.objects.create(
        ref=f"web-{user.pk:06d}",
        user=user,
        email=user.email,
        family_name=family_name,
        given_name=given_name,
        family_name_kana=family_name_kana,
        given_name_kana=given_name_kana,
        privacy_consent_at=timezone.now(),
    )
    notify(
        recipient=user,
        kind="welcome",
        event_key=f"welcome:{user.pk}",
        template="welcome",
        context={"registrant": registrant, "site_url": settings.SITE_URL},
        url="/me/",
    )
    return registrant


# --- The registrant's own side: applying, answering proposals, the profile, their data --------
# Every profile change ends in ``queue_rank_registrant``: "Jobs for you", alerts and the
# coordinators' shortlists must see the registrant as they are now.


class BlockedPair(PlacementRefused):
    """The law blocks this registrant × case; ``reasons`` are the sentences to show."""

    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


def apply_for_job(*, job: Job, registrant: Registrant, by: User) -> tuple[Application, bool]:
    """The registrant applies (or says "I want to apply" to a proposal).

    Applying twice does nothing new; a pair the law blocks is refused with the reasons in words.
    """
    existing = Application.objects.filter(job=job, registrant=registrant).first()
    if existing is not None and existing.status != Status.PROPOSED:
        return existing, False
    blocks = explain_pair(job=job, registrant=registrant).blocks
    if blocks:
        raise BlockedPair(findings.describe_all(blocks, block=True))
    return apply_to_job(job=job, registrant=registrant, by=by)


@transaction.atomic
def decline_proposal(
    *, application: Application, by: User, reason: str, note: str = ""
) -> Application:
    """Say no to a proposal, with a reason; the case is not proposed or alerted again."""
    label = Dismissal.Reason(reason).label
    workflow.transition(
        application, Status.DECLINED, by=by, note=f"{label}: {note}" if note else str(label)
    )
    Dismissal.objects.get_or_create(
        registrant=application.registrant,
        job=application.job,
        defaults={"reason": reason, "note": note},
    )
    return application


@transaction.atomic
def dismiss_match(*, registrant: Registrant, job: Job, reason: str, note: str = "") -> Dismissal:
    """ "Not for me": the case leaves "Jobs for you" and is not proposed again. Idempotent."""
    dismissal, _created = Dismissal.objects.get_or_create(
        registrant=registrant, job=job, defaults={"reason": reason, "note": note}
    )
    return dismissal


# What a registrant may change about themselves; the rest is the agency's to record.
SELF_EDITABLE = frozenset(
    {
        "phone",
        "postal_code",
        "nearest_station",
        "desired_duty_categories",
        "min_hourly_wage",
        "max_commute_minutes",
        "contract_months_min",
        "contract_months_max",
        "desired_days",
        "desired_hours",
        "transport_allowance_required",
        "available_from",
        "accepts_concurrent",
        "skills",
        "qualifications",
        "accepts_proposals",
        "contact_by_email",
        "contact_by_phone",
        "alert_frequency",
        "alert_min_score",
    }
)
_MANY = frozenset({"desired_duty_categories", "skills", "qualifications"})


@transaction.atomic
def update_profile(*, registrant: Registrant, changes: dict) -> Registrant:
    """Write the registrant's own changes (names from ``SELF_EDITABLE``) and rerank them."""
    unknown = set(changes) - SELF_EDITABLE
    if unknown:
        raise ValueError(f"Not editable by the registrant: {sorted(unknown)}")
    changed = []
    for name, value in changes.items():
        if name in _MANY:
            continue
        if name == "postal_code":
            registrant.apply_postal_code(value)
            changed += ["postal_code", "prefecture", "city"]
        else:
            setattr(registrant, name, value)
            changed.append(name)
    registrant.save(update_fields=[*changed, "updated_at"])
    for name in _MANY & set(changes):
        getattr(registrant, name).set(changes[name])
    queue_rank_registrant(registrant.pk)
    return registrant


@transaction.atomic
def save_duty_experience(
    *, registrant: Registrant, duty: Duty, months: int, last_year: int | None = None
) -> DutyExperience:
    """Add a duty with its months, or correct the months of one already listed."""
    experience, _created = DutyExperience.objects.update_or_create(
        registrant=registrant, duty=duty, defaults={"months": months, "last_year": last_year}
    )
    queue_rank_registrant(registrant.pk)
    return experience


@transaction.atomic
def remove_duty_experience(*, registrant: Registrant, duty_id: int) -> None:
    DutyExperience.objects.filter(registrant=registrant, duty_id=duty_id).delete()
    queue_rank_registrant(registrant.pk)


@transaction.atomic
def add_direct_employment(*, registrant: Registrant, **fields) -> DirectEmployment:
    """A job held directly with an employer: the 1-year rule of 派遣法40条の9 reads it."""
    employment, _created = DirectEmployment.objects.update_or_create(
        registrant=registrant,
        employer_corporate_number=fields.pop("employer_corporate_number"),
        start=fields.pop("start"),
        defaults=fields,
    )
    queue_rank_registrant(registrant.pk)
    return employment


@transaction.atomic
def remove_direct_employment(*, registrant: Registrant, employment_id: int) -> None:
    DirectEmployment.objects.filter(registrant=registrant, pk=employment_id).delete()
    queue_rank_registrant(registrant.pk)


def data_subject(registrant: Registrant) -> str:
    """The audit-log subject naming this registrant's personal data."""
    return f"registrant:{registrant.pk}"


@transaction.atomic
def export_registrant_data(*, registrant: Registrant, by: User) -> dict:
    """Everything the agency holds about the registrant, as JSON-ready data; the export is
    logged (個人情報保護法: who exported whose data)."""
    record_audit(
        actor=by,
        action=AuditEvent.Action.EXPORT,
        subject=data_subject(registrant),
        detail="registrant data export (JSON)",
    )
    return registrant_data(registrant)


def registrant_data(registrant: Registrant) -> dict:
    def names(items) -> list[dict]:
        return [{"code": i.code, "name_ja": i.name_ja, "name_en": i.name_en} for i in items]

    user = registrant.user
    return {
        "format": "nakadachi/registrant-data/v1",
        "exported_at": timezone.now().isoformat(),
        "profile": {
            **{
                field.name: _plain(getattr(registrant, field.attname))
                for field in Registrant._meta.concrete_fields
                if field.name not in ("id", "user")
            },
            "desired_duty_categories": names(registrant.desired_duty_categories.all()),
            "skills": names(registrant.skills.all()),
            "qualifications": names(registrant.qualifications.all()),
        },
        "account": None
        if user is None
        else {
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language,
            "date_joined": _plain(user.date_joined),
        },
        "duty_experience": [
            {**names([item.duty])[0], "months": item.months, "last_year": item.last_year}
            for item in registrant.experiences.select_related("duty")
        ],
        "employment_history": [
            {
                "employer_name": item.employer_name,
                "employer_corporate_number": item.employer_corporate_number,
                "employment_type": item.employment_type,
                "start": _plain(item.start),
                "end": _plain(item.end),
                "retired_at_mandatory_age": item.retired_at_mandatory_age,
            }
            for item in registrant.employment_history.all()
        ],
        "assignments": [
            {
                "client": item.unit.establishment.client.name,
                "establishment": item.unit.establishment.name,
                "unit": item.unit.name,
                "job": item.job.ref if item.job else None,
                "start": _plain(item.start),
                "end": _plain(item.end),
                "hourly_wage": item.hourly_wage,
            }
            for item in registrant.assignments.select_related("unit__establishment__client", "job")
        ],
        "applications": [
            {
                "job": application.job.ref,
                "title": application.job.title,
                "status": application.status,
                "origin": application.origin,
                "created_at": _plain(application.created_at),
                "proposal_message": application.proposal_message,
                "visit_at": _plain(application.visit_at),
                "offer_start": _plain(application.offer_start),
                "offer_end": _plain(application.offer_end),
                "offer_hourly_wage": application.offer_hourly_wage,
                "stop_reason": application.stop_reason,
                "events": [
                    {
                        "from": event.from_status,
                        "to": event.to_status,
                        "at": _plain(event.at),
                        "by": str(event.by) if event.by else None,
                        "note": event.note,
                    }
                    for event in application.events.select_related("by")
                ],
            }
            for application in registrant.applications.select_related("job")
        ],
        "dismissals": [
            {
                "job": item.job.ref,
                "reason": item.reason,
                "note": item.note,
                "at": _plain(item.created_at),
            }
            for item in registrant.dismissals.select_related("job")
        ],
        "matches": [
            {
                "job": match.job.ref,
                "score": match.score,
                "eligible": match.eligible,
                "caveats": match.caveats,
                "blocks": match.blocks,
                "computed_at": _plain(match.computed_at),
            }
            for match in registrant.matches.select_related("job").order_by("-score")
        ],
        "notifications": []
        if user is None
        else [
            {
                "channel": item.channel,
                "kind": item.kind,
                "subject": item.subject,
                "body": item.body,
                "created_at": _plain(item.created_at),
                "sent_at": _plain(item.sent_at),
                "read_at": _plain(item.read_at),
            }
            for item in user.notifications.all()
        ],
        "access_log": [
            {
                "at": _plain(event.at),
                "by": str(event.actor) if event.actor else None,
                "action": event.action,
                "detail": event.detail,
            }
            for event in access_log(registrant)
        ],
    }


def access_log(registrant: Registrant):
    """Who viewed, exported or changed this registrant's data, newest first."""
    subjects = [data_subject(registrant)]
    if registrant.user_id:
        subjects.append(f"user:{registrant.user_id}")
    return AuditEvent.objects.filter(subject__in=subjects).select_related("actor")


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


@transaction.atomic
def request_data_deletion(*, registrant: Registrant, by: User, note: str = "") -> AuditEvent:
    """Ask the agency to delete the registrant's data; agency admins are told.

    Nothing is deleted here: the agency must keep assignment records (派遣元管理台帳, 3 years,
    派遣法37条) and decides what else can go.
    """
    event = record_audit(
        actor=by,
        action=AuditEvent.Action.DELETE_REQUEST,
        subject=data_subject(registrant),
        detail=note,
    )
    for admin in User.objects.with_role(Role.AGENCY_ADMIN):
        notify(
            recipient=admin,
            kind="registrant.delete_request",
            event_key=f"delete-request:{event.pk}",
            template="data_deletion_request",
            context={"registrant": registrant, "note": note, "event": event},
            url=f"/admin/registrants/registrant/{registrant.pk}/change/",
        )
    return event


def pending_deletion_request(registrant: Registrant) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(
            subject=data_subject(registrant), action=AuditEvent.Action.DELETE_REQUEST
        )
        .order_by("-at")
        .first()
    )
