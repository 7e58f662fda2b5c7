"""The coordinator's working records: shortlists per case and the contact log per registrant.

Proposals themselves are applications (``jobs.models.Application``, origin ``proposed``); the
contact log shows them next to the calls and answers noted here.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShortlistEntry(models.Model):
    job = models.ForeignKey(
        "jobs.Job", verbose_name=_("job case"), on_delete=models.CASCADE, related_name="shortlist"
    )
    registrant = models.ForeignKey(
        "registrants.Registrant",
        verbose_name=_("registrant"),
        on_delete=models.CASCADE,
        related_name="shortlisted",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("shortlist entry")
        verbose_name_plural = _("shortlist")
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "registrant"], name="shortlist_once_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id} ☆ {self.registrant_id}"


class ContactNote(models.Model):
    """A call, mail or answer a coordinator noted about a registrant."""

    class Kind(models.TextChoices):
        CALL = "call", _("Phone call")
        MAIL = "mail", _("E-mail")
        ANSWER = "answer", _("Answer from the registrant")
        NOTE = "note", _("Note")

    registrant = models.ForeignKey(
        "registrants.Registrant",
        verbose_name=_("registrant"),
        on_delete=models.CASCADE,
        related_name="contact_notes",
    )
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name=_("job case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("what was said"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact note")
        verbose_name_plural = _("contact log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.registrant_id} {self.kind} {self.at:%Y-%m-%d}"
