"""Applications (応募): the one record that walks the placement workflow.

Only ``jobs.workflow.transition`` writes ``status``; see that module for the allowed moves.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cases import Job


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPLIED = "applied", _("Applied")
    SCREENING = "screening", _("In internal screening")
    PASSED = "passed", _("Passed screening")
    VISIT_REQUESTED = "visit_requested", _("Workplace visit requested")
    VISIT_SCHEDULED = "visit_scheduled", _("Workplace visit scheduled")
    CLIENT_ACCEPTED = "client_accepted", _("Client agreed")
    OFFERED = "offered", _("Offer made")
    ACCEPTED = "accepted", _("Accepted — assignment made")
    DECLINED = "declined", _("Declined")
    NOT_PASSED = "not_passed", _("Not passed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLIENT_DECLINED = "client_declined", _("Client declined")
    CASE_FILLED = "case_filled", _("Case filled")


class ApplicationQuerySet(models.QuerySet):
    def active(self):
        from jobs.workflow import ACTIVE

        return self.filter(status__in=ACTIVE)

    def for_registrant(self, registrant):
        return self.filter(registrant=registrant)

    def for_sales_rep(self, user):
        return self.filter(job__case_sales=user)


class Application(models.Model):
    class Origin(models.TextChoices):
        APPLIED = "applied", _("Registrant applied")
        PROPOSED = "proposed", _("Coordinator proposed")

    job = models.ForeignKey(
        Job, verbose_name=_("job case"), on_delete=models.CASCADE, related_name="applications"
    )
    registrant = models.ForeignKey(
        "registrants.Registrant",
        verbose_name=_("registrant"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposal_message = models.TextField(_("proposal message"), blank=True)
    caveats_stated = models.BooleanField(_("caveats stated in the proposal"), default=False)
    visit_at = models.DateTimeField(_("workplace visit"), null=True, blank=True)
    offer_start = models.DateField(_("offered start"), null=True, blank=True)
    offer_end = models.DateField(_("offered end"), null=True, blank=True)
    offer_hourly_wage = models.PositiveIntegerField(_("offered hourly wage"), null=True, blank=True)
    offer_bill_rate = models.PositiveIntegerField(_("hourly billing rate"), null=True, blank=True)
    assignment = models.OneToOneField(
        "jobs.Assignment",
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
    )
    stop_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("in this step since"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-status_changed_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "registrant"], name="one_application_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.registrant} → {self.job}"

    @property
    def confidential_unlocked(self) -> bool:
        """The registrant sees the case's confidential part once screening is passed."""
        from jobs.workflow import UNLOCKED

        return self.status in UNLOCKED


class ApplicationEvent(models.Model):
    """One move of the workflow: who, when, from, to and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"
