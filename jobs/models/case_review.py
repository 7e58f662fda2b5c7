"""The requirement check of a case as a whole, the written justifications of its flags, and the
case's log (who created, edited, justified, opened, paused or closed it, and when).

``jobs.requirement_check`` flags the wording; this module adds what the case's data says: work
that may not be dispatched, a period running past the establishment's conflict date, and pay
below the going rate. A flagged case cannot be opened until every flag is gone or, where the law
leaves room, justified in writing.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jobs.requirement_check import check_requirements

from .cases import Job, JobConfidential
from .going_rate import GoingRate
from .taxonomy import Duty

# 労働施策総合推進法施行規則1条の3第1項: the only cases in which a posting may limit age.
AGE_EXCEPTIONS = [
    (
        "retirement_age",
        _("No. 1: below the mandatory retirement age, for open-ended employment (1号)"),
    ),
    (
        "legal_restriction",
        _("No. 2: an age limit set by law, e.g. night work or hazardous work (2号)"),
    ),
    (
        "young_career",
        _("No. 3-a: young people for long-term career building, open-ended employment (3号イ)"),
    ),
    (
        "skills_transfer",
        _("No. 3-b: an age group scarce in a specific job, to pass on skills (3号ロ)"),
    ),
    ("arts", _("No. 3-c: authenticity of expression in the arts and entertainment (3号ハ)")),
    (
        "employment_policy",
        _(
            "No. 3-d: people aged 60 or over, or the group of a national employment "
            "programme (3号ニ)"
        ),
    ),
]

# Which flags the law leaves room to justify; the others can only be fixed.
JUSTIFIABLE = frozenset({"age", "sex", "appearance", "going_rate"})
FIELD_LABELS = {
    "title": _("title"),
    "description": _("description"),
    "dress_code": _("dress code"),
    "notes": _("the client's unwritten preferences"),
    "duties": _("duties"),
    "end": _("end"),
    "hourly_wage": _("hourly wage (yen)"),
    "unit": _("organizational unit"),
}


@dataclass(frozen=True)
class CaseFlag:
    kind: str  # age, sex, appearance, prohibited_work, conflict_date, no_conflict_date, going_rate
    field: str
    phrase: str
    message: str

    @property
    def justifiable(self) -> bool:
        return self.kind in JUSTIFIABLE

    @property
    def field_label(self) -> str:
        return str(FIELD_LABELS.get(self.field, self.field))


def _day(value) -> str:
    return formats.date_format(value, "Y-m-d")


def review_case(
    job: Job,
    *,
    duties: Iterable[Duty] | None = None,
    notes: str | None = None,
) -> list[CaseFlag]:
    """Every flag of ``job``. ``duties`` and ``notes`` stand in for a case not saved yet."""
    from staffing.models import AgencySettings

    if notes is None:
        confidential = JobConfidential.objects.filter(job_id=job.pk).first() if job.pk else None
        notes = confidential.notes if confidential is not None else ""
    texts = {
        "title": job.title,
        "description": job.description,
        "dress_code": job.dress_code,
        "notes": notes,
    }
    flags = [
        CaseFlag(flag.kind, flag.field, flag.phrase, flag.message)
        for flag in check_requirements(texts)
    ]
    if duties is None:
        duties = [item.duty for item in job.duties.select_related("duty")] if job.pk else []
    for duty in duties:
        if duty.prohibited:
            flags.append(
                CaseFlag(
                    "prohibited_work",
                    "duties",
                    duty.code,
                    gettext(
                        "“%(duty)s” is work that may not be dispatched (派遣法4条): such a case "
                        "cannot be opened as dispatch work."
                    )
                    % {"duty": duty.name},
                )
            )
    establishment = job.unit.establishment if job.unit_id else None
    conflict = establishment.effective_conflict_date if establishment else None
    if establishment is not None and conflict is None:
        flags.append(
            CaseFlag(
                "no_conflict_date",
                "unit",
                str(establishment.pk),
                gettext(
                    "The client has not notified the conflict date of “%(establishment)s”; "
                    "without that notice no dispatch contract may be made (派遣法26条4項・5項)."
                )
                % {"establishment": establishment.name},
            )
        )
    elif conflict is not None and (job.end is None or job.end >= conflict):
        if job.end is None:
            message = gettext(
                "The case has no end date, but “%(establishment)s” may take dispatched workers "
                "only until the day before its conflict date %(conflict)s (派遣法40条の2)."
            )
        else:
            message = gettext(
                "The case ends on %(end)s, on or past the conflict date %(conflict)s of "
                "“%(establishment)s” (派遣法40条の2). Shorten the period, or record the extended "
                "conflict date once the client has heard its majority union or representative."
            )
        flags.append(
            CaseFlag(
                "conflict_date",
                "end",
                conflict.isoformat(),
                message
                % {
                    "end": _day(job.end) if job.end else "",
                    "conflict": _day(conflict),
                    "establishment": establishment.name,
                },
            )
        )
    agency = AgencySettings.load()
    if (
        agency.equal_pay_method == "labour_agreement"
        and job.hourly_wage is not None
        and job.start is not None
    ):
        rate = GoingRate.objects.applicable(
            duty_category=job.duty_category, prefecture=job.prefecture, on=job.start
        )
        if rate is not None and job.hourly_wage < rate.hourly_wage:
            flags.append(
                CaseFlag(
                    "going_rate",
                    "hourly_wage",
                    f"{rate.fiscal_year}:{rate.hourly_wage}",
                    gettext(
                        "The hourly wage of %(wage)s yen is below the going rate of %(rate)s yen "
                        "for %(category)s in %(prefecture)s (FY%(year)s, 労使協定方式, "
                        "派遣法30条の4)."
                    )
                    % {
                        "wage": f"{job.hourly_wage:,}",
                        "rate": f"{rate.hourly_wage:,}",
                        "category": rate.duty_category.name,
                        "prefecture": rate.prefecture,
                        "year": rate.fiscal_year,
                    },
                )
            )
    return flags


@dataclass(frozen=True)
class ReviewedFlag:
    flag: CaseFlag
    justification: "FlagJustification | None"

    @property
    def resolved(self) -> bool:
        return self.justification is not None


def reviewed_flags(job: Job) -> list[ReviewedFlag]:
    """The case's flags, each with its written justification if one is on file."""
    on_file = {(item.kind, item.phrase): item for item in job.flag_justifications.all()}
    return [
        ReviewedFlag(flag, on_file.get((flag.kind, flag.phrase)) if flag.justifiable else None)
        for flag in review_case(job)
    ]


class FlagJustification(models.Model):
    """Why a flagged case may still be opened, in writing, by whom and when."""

    job = models.ForeignKey(
        Job,
        verbose_name=_("job case"),
        on_delete=models.CASCADE,
        related_name="flag_justifications",
    )
    kind = models.CharField(_("kind"), max_length=20)
    phrase = models.CharField(_("flagged phrase"), max_length=200)
    age_exception = models.CharField(
        _("age-limit exception (施行規則1条の3)"),
        max_length=20,
        blank=True,
        choices=AGE_EXCEPTIONS,
    )
    text = models.TextField(_("justification"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("justified flag")
        verbose_name_plural = _("justified flags")
        constraints = [
            models.UniqueConstraint(
                fields=["job", "kind", "phrase"], name="justification_once_per_flag"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job_id} {self.kind}:{self.phrase}"


class CaseLog(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", _("created")
        HANDED_OVER = "handed_over", _("handed over as a draft")
        EDITED = "edited", _("edited")
        JUSTIFIED = "justified", _("justified a flag")
        OPENED = "opened", _("opened")
        PAUSED = "paused", _("paused")
        CLOSED = "closed", _("closed")

    job = models.ForeignKey(
        Job, verbose_name=_("job case"), on_delete=models.CASCADE, related_name="log"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("case log entry")
        verbose_name_plural = _("case log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.job_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
