"""Clients (派遣先): legal entities, their establishments (事業所) and units (組織単位)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from staffing.models import postal_code_validator


def corporate_number_check_digit(base: str) -> int:
    """The leading check digit of a 法人番号 for its 12-digit base (国税庁 specification)."""
    total = sum(
        int(digit) * (2 if position % 2 == 0 else 1)
        for position, digit in enumerate(reversed(base), start=1)
    )
    return 9 - total % 9


def validate_corporate_number(value: str) -> None:
    if len(value) != 13 or not value.isdigit():
        raise ValidationError(_("must be 13 digits"), code="format")
    if int(value[0]) != corporate_number_check_digit(value[1:]):
        raise ValidationError(_("check digit does not match"), code="check_digit")


class Client(models.Model):
    ref = models.CharField(_("reference"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    corporate_number = models.CharField(
        _("corporate number (法人番号)"),
        max_length=13,
        unique=True,
        validators=[validate_corporate_number],
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    service_sales = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service sales"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clients",
        limit_choices_to={"is_service_sales": True},
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Establishment(models.Model):
    ref = models.CharField(_("reference"), max_length=64, unique=True)
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="establishments",
    )
    name = models.CharField(_("name"), max_length=200)
    postal_code = models.CharField(
        _("postal code"),
        max_length=8,
        validators=[postal_code_validator],
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    conflict_date = models.DateField(
        _("conflict date (抵触日)"),
        null=True,
        blank=True,
        help_text=_("Notified by the client: the first day past the 3-year establishment limit."),
    )
    conflict_date_extended_to = models.DateField(
        _("extended conflict date"),
        null=True,
        blank=True,
        help_text=_("After the client heard its majority union or representative (40条の2)."),
    )

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        ordering = ["client__name", "name"]

    def __str__(self) -> str:
        return f"{self.client.name} {self.name}"

    @property
    def effective_conflict_date(self) -> datetime.date | None:
        return self.conflict_date_extended_to or self.conflict_date


class Unit(models.Model):
    ref = models.CharField(_("reference"), max_length=64, unique=True)
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        related_name="units",
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("organizational unit")
        verbose_name_plural = _("organizational units")
        ordering = ["establishment__name", "name"]

    def __str__(self) -> str:
        return f"{self.establishment} {self.name}"
