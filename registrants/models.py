"""Registrants (登録者) and what placement needs to know about them — and nothing more.

There is deliberately no field for registered domicile (本籍), birthplace, beliefs, union
membership or family (派遣元指針, 職業安定法5条の5). The birth date is kept only for the legal
exemptions (60+); it is never a matching factor and never shown to a client.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.models import Duty, DutyCategory, Qualification, Skill
from staffing import postal
from staffing.models import postal_code_validator


class RegistrantQuerySet(models.QuerySet):
    def with_matching_relations(self):
        return self.prefetch_related(
            "experiences__duty",
            "skills",
            "qualifications",
            "desired_duty_categories",
            "employment_history",
            "assignments__unit__establishment__client",
        )


class Registrant(models.Model):
    class AgencyEmployment(models.TextChoices):
        FIXED_TERM = "fixed_term", _("Fixed-term")
        INDEFINITE = "indefinite", _("Indefinite (無期雇用)")

    class DayDispatchExemption(models.TextChoices):
        NONE = "", _("None")
        STUDENT = "student", _("Full-time day student")
        SIDE_JOB = "side_job_income", _("Side job; main income of 5,000,000 yen or more")
        HOUSEHOLD = (
            "household_income",
            _("Not the main earner; household income 5,000,000 yen or more"),
        )

    class AlertFrequency(models.TextChoices):
        OFF = "off", _("Off")
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    ref = models.CharField(_("reference"), max_length=64, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrant",
        limit_choices_to={"is_registrant": True},
    )
    family_name = models.CharField(_("family name"), max_length=50)
    given_name = models.CharField(_("given name"), max_length=50)
    family_name_kana = models.CharField(_("family name (kana)"), max_length=50, blank=True)
    given_name_kana = models.CharField(_("given name (kana)"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    birth_date = models.DateField(
        _("birth date"),
        null=True,
        blank=True,
        help_text=_("Used only for the legal exemptions for people aged 60 or over."),
    )
    postal_code = models.CharField(
        _("postal code"),
        max_length=8,
        blank=True,
        validators=[postal_code_validator],
    )
    prefecture = models.CharField(_("prefecture"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    nearest_station = models.CharField(_("nearest station"), max_length=100, blank=True)
    agency_employment = models.CharField(
        _("employment with the agency"),
        max_length=12,
        choices=AgencyEmployment.choices,
        default=AgencyEmployment.FIXED_TERM,
    )
    day_dispatch_exemption = models.CharField(
        _("day-dispatch exemption"),
        max_length=20,
        blank=True,
        choices=DayDispatchExemption.choices,
        default=DayDispatchExemption.NONE,
    )
    day_dispatch_exemption_verified = models.CharField(
        _("how the exemption was verified"),
        max_length=200,
        blank=True,
    )
    education = models.TextField(
        _("education"),
        blank=True,
        help_text=_("Private: never shown to clients and never used for matching."),
    )

    # Desired conditions
    desired_duty_categories = models.ManyToManyField(
        DutyCategory,
        verbose_name=_("desired duty categories"),
        blank=True,
    )
    min_hourly_wage = models.PositiveIntegerField(
        _("minimum hourly wage (yen)"), null=True, blank=True
    )
    max_commute_minutes = models.PositiveSmallIntegerField(
        _("maximum commute (minutes)"),
        null=True,
        blank=True,
    )
    contract_months_min = models.PositiveSmallIntegerField(
        _("shortest contract wanted (months)"),
        null=True,
        blank=True,
    )
    contract_months_max = models.PositiveSmallIntegerField(
        _("longest contract wanted (months)"),
        null=True,
        blank=True,
    )
    desired_days = models.CharField(_("desired days"), max_length=100, blank=True)
    desired_hours = models.CharField(_("desired hours"), max_length=100, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    accepts_concurrent = models.BooleanField(_("accepts concurrent work"), default=False)
    transport_allowance_required = models.BooleanField(
        _("transport allowance required"),
        default=False,
    )

    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True)
    qualifications = models.ManyToManyField(
        Qualification,
        verbose_name=_("qualifications"),
        blank=True,
    )

    # Contact preferences and consent
    accepts_proposals = models.BooleanField(_("accepts proposals from coordinators"), default=True)
    contact_by_email = models.BooleanField(_("contact by e-mail"), default=True)
    contact_by_phone = models.BooleanField(_("contact by phone"), default=False)
    alert_frequency = models.CharField(
        _("job alerts"),
        max_length=10,
        choices=AlertFrequency.choices,
        default=AlertFrequency.WEEKLY,
    )
    alert_min_score = models.PositiveSmallIntegerField(
        _("job alerts: lowest score"),
        default=60,
        validators=[MaxValueValidator(100)],
        help_text=_("Only matches scoring at least this much (0–100) are sent to you."),
    )
    privacy_consent_at = models.DateTimeField(_("privacy consent given"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RegistrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("registrant")
        verbose_name_plural = _("registrants")
        ordering = ["family_name_kana", "given_name_kana", "pk"]
        constraints = [
            models.CheckConstraint(
                name="registrant_contract_range_ordered",
                condition=models.Q(contract_months_min__isnull=True)
                | models.Q(contract_months_max__isnull=True)
                | models.Q(contract_months_max__gte=models.F("contract_months_min")),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()

    def age_on(self, day: datetime.date) -> int | None:
        """Age in whole years, for the legal 60+ exemptions only."""
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def apply_postal_code(self, code: str) -> None:
        """Store the postal code with the prefecture and city it belongs to."""
        self.postal_code, self.prefecture, self.city = postal.place(code)

    def is_available_on(self, day: datetime.date) -> bool:
        return self.available_from is None or self.available_from <= day


class DutyExperience(models.Model):
    registrant = models.ForeignKey(Registrant, on_delete=models.CASCADE, related_name="experiences")
    duty = models.ForeignKey(Duty, verbose_name=_("duty"), on_delete=models.PROTECT)
    months = models.PositiveSmallIntegerField(_("months"))
    last_year = models.PositiveSmallIntegerField(
        _("last year done"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )

    class Meta:
        verbose_name = _("duty experience")
        verbose_name_plural = _("duty experience")
        ordering = ["-months"]
        constraints = [
            models.UniqueConstraint(fields=["registrant", "duty"], name="experience_once_per_duty"),
        ]

    def __str__(self) -> str:
        return f"{self.duty} {self.months}"


class DirectEmployment(models.Model):
    """A job the registrant held directly with a legal entity (for 派遣法40条の9)."""

    class EmploymentType(models.TextChoices):
        REGULAR = "regular", _("Regular employee")
        CONTRACT = "contract", _("Contract employee")
        PART_TIME = "part_time", _("Part-time")
        OTHER = "other", _("Other")

    registrant = models.ForeignKey(
        Registrant,
        on_delete=models.CASCADE,
        related_name="employment_history",
    )
    employer_corporate_number = models.CharField(_("employer's corporate number"), max_length=13)
    employer_name = models.CharField(_("employer"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    employment_type = models.CharField(
        _("employment type"),
        max_length=12,
        choices=EmploymentType.choices,
        default=EmploymentType.REGULAR,
    )
    retired_at_mandatory_age = models.BooleanField(
        _("retired at a mandatory retirement age of 60 or more"),
        default=False,
    )

    class Meta:
        verbose_name = _("direct employment")
        verbose_name_plural = _("direct employment history")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["registrant", "employer_corporate_number", "start"],
                name="direct_employment_once_per_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer_name} {self.start}–{self.end or ''}"


class Dismissal(models.Model):
    """A registrant said "not for me" to a case; it is not proposed or alerted to them again."""

    class Reason(models.TextChoices):
        DUTIES = "duties", _("The duties do not fit me")
        PAY = "pay", _("The pay is too low")
        COMMUTE = "commute", _("Too far")
        PERIOD = "period", _("The contract period does not fit")
        HOURS = "hours", _("The days or hours do not fit")
        SAME_WORKPLACE = "same_workplace", _("I do not want to go back to this workplace")
        OTHER = "other", _("Other")

    registrant = models.ForeignKey(Registrant, on_delete=models.CASCADE, related_name="dismissals")
    job = models.ForeignKey(
        "jobs.Job", verbose_name=_("job case"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("dismissed"), default=timezone.now)

    class Meta:
        verbose_name = _("dismissed match")
        verbose_name_plural = _("dismissed matches")
        constraints = [
            models.UniqueConstraint(fields=["registrant", "job"], name="dismiss_once"),
        ]

    def __str__(self) -> str:
        return f"{self.registrant} ✕ {self.job_id}"


class AlertedJob(models.Model):
    """A case already sent to a registrant in a job alert: a digest lists only new ones."""

    registrant = models.ForeignKey(
        Registrant, on_delete=models.CASCADE, related_name="alerted_jobs"
    )
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="+")
    alerted_at = models.DateTimeField(_("alerted"), default=timezone.now)
    digest = models.CharField(_("digest"), max_length=120)

    class Meta:
        verbose_name = _("alerted job case")
        verbose_name_plural = _("alerted job cases")
        constraints = [
            models.UniqueConstraint(fields=["registrant", "job"], name="alert_once_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.registrant_id} ✉ {self.job_id}"
