"""The yearly going-rate wage (一般賃金) per duty category and prefecture.

An agency using the labour-management agreement method (労使協定方式, 派遣法30条の4) must pay
at least the going rate the MHLW publishes each fiscal year for the job type and area. The agency
keeps the figures it applies here; a case whose hourly wage is below them is flagged.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from .taxonomy import DutyCategory

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)  # fmt: skip


def fiscal_year(day: datetime.date) -> int:
    """The Japanese fiscal year (年度) a day falls in: April to March."""
    return day.year if day.month >= 4 else day.year - 1


class GoingRateQuerySet(models.QuerySet):
    def applicable(self, *, duty_category, prefecture: str, on: datetime.date):
        """The rate in force on ``on``: that fiscal year's, else the latest earlier one."""
        if duty_category is None or not prefecture:
            return None
        return (
            self.filter(
                duty_category=duty_category,
                prefecture=prefecture,
                fiscal_year__lte=fiscal_year(on),
            )
            .order_by("-fiscal_year")
            .first()
        )


class GoingRate(models.Model):
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    duty_category = models.ForeignKey(
        DutyCategory,
        verbose_name=_("duty category"),
        on_delete=models.CASCADE,
        related_name="going_rates",
    )
    prefecture = models.CharField(
        _("prefecture"), max_length=10, choices=[(name, name) for name in PREFECTURES]
    )
    hourly_wage = models.PositiveIntegerField(_("going-rate hourly wage (yen)"))

    objects = GoingRateQuerySet.as_manager()

    class Meta:
        verbose_name = _("going-rate wage (一般賃金)")
        verbose_name_plural = _("going-rate wages (一般賃金)")
        ordering = ["-fiscal_year", "duty_category__sort_order", "prefecture"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "duty_category", "prefecture"],
                name="going_rate_once_per_year_category_prefecture",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.duty_category} {self.prefecture} {self.hourly_wage}"
