"""Assignments (就業): past ones imported as history, future ones created by placements."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from .clients import Unit


class AssignmentQuerySet(models.QuerySet):
    def current_or_future(self, today: datetime.date):
        return self.filter(end__gte=today)

    def at_unit(self, unit):
        return self.filter(unit=unit)


class Assignment(models.Model):
    registrant = models.ForeignKey(
        "registrants.Registrant",
        verbose_name=_("registrant"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("organizational unit"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name=_("job case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    hourly_wage = models.PositiveIntegerField(_("hourly wage (yen)"))
    hourly_bill_rate = models.PositiveIntegerField(_("hourly billing rate (yen)"))

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["registrant", "unit", "start"],
                name="assignment_once_per_start",
            ),
            models.CheckConstraint(
                name="assignment_end_not_before_start",
                condition=models.Q(end__gte=models.F("start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registrant} @ {self.unit} {self.start}–{self.end}"
