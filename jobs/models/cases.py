"""Job cases (案件): a public part anyone may read and a confidential part for agency staff."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffing import postal
from staffing.models import postal_code_validator

from .clients import Unit
from .taxonomy import Duty, DutyCategory, Qualification, Skill


class JobQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Job.Status.OPEN)

    def visible_to_public(self):
        """Cases a visitor may still look at: open ones, and filled or closed ones that say so."""
        return self.filter(status__in=[Job.Status.OPEN, Job.Status.FILLED, Job.Status.CLOSED])

    def in_prefecture(self, prefecture: str):
        return self.filter(prefecture=prefecture)

    def for_sales_rep(self, user):
        return self.filter(case_sales=user)

    def with_public_relations(self):
        return self.select_related("unit__establishment__client", "duty_category").prefetch_related(
            "duties__duty", "skills", "qualifications"
        )


class Job(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        PAUSED = "paused", _("Paused")
        FILLED = "filled", _("Filled")
        CLOSED = "closed", _("Closed")

    class TransportAllowance(models.TextChoices):
        NONE = "none", _("None")
        FULL = "full", _("Paid in full")
        CAPPED = "capped", _("Paid up to a monthly cap")

    ref = models.CharField(_("reference"), max_length=64, unique=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("organizational unit"),
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    case_sales = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case sales rep"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        limit_choices_to={"is_case_sales": True},
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    duty_category = models.ForeignKey(
        DutyCategory,
        verbose_name=_("duty category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True)
    qualifications = models.ManyToManyField(
        Qualification,
        verbose_name=_("qualifications"),
        blank=True,
    )
    hourly_wage = models.PositiveIntegerField(_("hourly wage (yen)"))
    transport_allowance = models.CharField(
        _("transport allowance"),
        max_length=10,
        choices=TransportAllowance.choices,
        default=TransportAllowance.FULL,
    )
    transport_cap_per_month = models.PositiveIntegerField(
        _("transport allowance cap per month (yen)"),
        null=True,
        blank=True,
    )
    work_days = models.CharField(_("working days"), max_length=100, blank=True)
    work_hours = models.CharField(_("working hours"), max_length=100, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    employment_contract_days = models.PositiveIntegerField(
        _("employment contract length (days)"),
        null=True,
        blank=True,
    )
    renewal_possible = models.BooleanField(_("renewal possible"), default=True)
    headcount = models.PositiveSmallIntegerField(_("headcount"), default=1)
    individual_limit_exemption = models.CharField(
        _("exempt from the individual period limit"),
        max_length=20,
        blank=True,
        choices=[
            ("fixed_term_project", _("Fixed-term project (有期プロジェクト)")),
            ("limited_days", _("10 days a month or fewer (日数限定業務)")),
            ("leave_cover", _("Cover for maternity, childcare or nursing leave")),
        ],
        help_text=_("派遣法40条の2: such work is exempt from the 3-year individual limit."),
    )
    postal_code = models.CharField(
        _("postal code of the workplace"),
        max_length=8,
        validators=[postal_code_validator],
    )
    prefecture = models.CharField(_("prefecture"), max_length=10, blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    place = models.CharField(_("place (nearest station, area)"), max_length=200, blank=True)
    dress_code = models.CharField(_("dress code"), max_length=200, blank=True)
    info_valid_on = models.DateField(_("information valid as of"), default=datetime.date.today)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job case")
        verbose_name_plural = _("job cases")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="job_end_not_before_start",
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def apply_postal_code(self, code: str) -> None:
        """Store the postal code with the prefecture and city it belongs to."""
        self.postal_code, self.prefecture, self.city = postal.place(code)

    @property
    def contract_months(self) -> float | None:
        if self.end is None:
            return None
        return ((self.end - self.start).days + 1) / 30.44

    def required_duties(self):
        return [jd for jd in self.duties.all() if jd.kind == JobDuty.Kind.REQUIRED]

    def preferred_duties(self):
        return [jd for jd in self.duties.all() if jd.kind == JobDuty.Kind.PREFERRED]


class JobDuty(models.Model):
    class Kind(models.TextChoices):
        REQUIRED = "required", _("Required")
        PREFERRED = "preferred", _("Preferred")

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="duties")
    duty = models.ForeignKey(Duty, verbose_name=_("duty"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    min_months = models.PositiveSmallIntegerField(_("minimum months"), default=0)

    class Meta:
        verbose_name = _("duty of a job case")
        verbose_name_plural = _("duties of a job case")
        constraints = [
            models.UniqueConstraint(fields=["job", "duty"], name="job_duty_once"),
        ]
        ordering = ["kind", "-min_months", "duty__sort_order"]

    def __str__(self) -> str:
        return f"{self.duty} ≥ {self.min_months}"


class JobConfidential(models.Model):
    """What only agency staff see, and a registrant only after passing internal screening."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="confidential")
    department_detail = models.CharField(_("department detail"), max_length=200, blank=True)
    team = models.CharField(_("team"), max_length=200, blank=True)
    reason = models.TextField(_("reason for the opening"), blank=True)
    selection_schedule = models.TextField(_("selection schedule"), blank=True)
    bill_rate = models.PositiveIntegerField(_("hourly billing rate (yen)"), null=True, blank=True)
    notes = models.TextField(_("the client's unwritten preferences"), blank=True)

    class Meta:
        verbose_name = _("confidential part")
        verbose_name_plural = _("confidential parts")

    def __str__(self) -> str:
        return str(self.job)
