"""The duty taxonomy: what people actually do at work, which the matching counts in months."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True, allow_unicode=False)
    name_ja = models.CharField(_("name (Japanese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "ja").startswith("en") else self.name_ja


class DutyCategory(BilingualName):
    class Meta(BilingualName.Meta):
        verbose_name = _("duty category")
        verbose_name_plural = _("duty categories")


class Duty(BilingualName):
    category = models.ForeignKey(
        DutyCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="duties",
    )
    day_dispatch_exempt = models.BooleanField(
        _("exempt from the day-dispatch ban"),
        default=False,
        help_text=_(
            "One of the designated work types of 派遣法35条の4 (e.g. filing, interpreting)."
        ),
    )
    prohibited = models.BooleanField(
        _("may not be dispatched"),
        default=False,
        help_text=_(
            "Work banned from dispatch by 派遣法4条 (port cargo, construction, security …)."
        ),
    )

    class Meta(BilingualName.Meta):
        verbose_name = _("duty")
        verbose_name_plural = _("duties")


class Skill(BilingualName):
    class Meta(BilingualName.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class Qualification(BilingualName):
    class Meta(BilingualName.Meta):
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
