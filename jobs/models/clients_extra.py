"""What service sales keep about a client besides its sites: contact persons and visit notes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .clients import Client, Establishment


class ClientContact(models.Model):
    """A person at the client the agency deals with (not a registrant)."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="contacts"
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=100)
    department = models.CharField(_("department"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role_note = models.CharField(
        _("role in the contract"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 派遣先責任者, 指揮命令者, billing contact"),
    )

    class Meta:
        verbose_name = _("client contact")
        verbose_name_plural = _("client contacts")
        ordering = ["client__name", "name"]

    def __str__(self) -> str:
        return f"{self.client} {self.name}"


class VisitNote(models.Model):
    """A service sales visit: what was heard, and the staffing needs it revealed."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="visit_notes"
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit_notes",
    )
    visited_on = models.DateField(_("visited on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    met = models.CharField(_("met"), max_length=200, blank=True)
    summary = models.TextField(_("what was discussed"))
    needs = models.TextField(_("staffing needs heard"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("visit note")
        verbose_name_plural = _("visit notes")
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.client} {self.visited_on}"
