"""Blocks, caveats and score factors in words, in the active language.

The engine returns codes with parameters (``{"code": ..., "params": {...}}``); this module is
the one place that turns them into sentences, so every page, e-mail and the ``match`` command
say the same thing.
"""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FACTOR_ORDER = (
    "required_duties",
    "preferred_duties",
    "skills",
    "recency",
    "pay",
    "commute",
    "contract",
    "start",
)
FACTOR_LABELS = {
    "required_duties": gettext_lazy("Required duties"),
    "preferred_duties": gettext_lazy("Preferred duties"),
    "skills": gettext_lazy("Skills and qualifications"),
    "recency": gettext_lazy("Recent experience"),
    "pay": gettext_lazy("Pay against your minimum"),
    "commute": gettext_lazy("Commute"),
    "contract": gettext_lazy("Contract length"),
    "start": gettext_lazy("Start date"),
}
BLOCK_CODES = (
    "individual_limit",
    "establishment_limit",
    "former_employee",
    "day_dispatch",
    "prohibited_work",
    "schedule_overlap",
)


def factor_label(name: str) -> str:
    return str(FACTOR_LABELS.get(name, name))


def _date(value: str | None) -> str:
    if not value:
        return "—"
    return formats.date_format(datetime.date.fromisoformat(value), "Y-m-d")


def _duty_name(code: str) -> str:
    from jobs.models import Duty

    duty = Duty.objects.filter(code=code).first()
    return duty.name if duty else code


def _months(value) -> str:
    if value is None:
        return "—"
    return str(round(value)) if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _periods(earlier: list[list[str]]) -> str:
    return "、".join(f"{_date(start)}〜{_date(end)}" for start, end in earlier)


def describe(finding: dict, *, block: bool | None = None) -> str:
    """One sentence for a block or caveat. ``schedule_overlap`` is either: pass ``block``."""
    code, params = finding["code"], finding.get("params") or {}
    if code == "individual_limit":
        return _(
            "Individual period limit (派遣法40条の3): in this unit since %(start)s; the 3-year "
            "limit is reached on %(conflict)s, within this job's period."
        ) % {
            "start": _date(params.get("chain_start")),
            "conflict": _date(params.get("conflict_date")),
        }
    if code == "individual_limit_near":
        return _(
            "The individual 3-year limit in this unit comes soon after this job ends: conflict "
            "date %(conflict)s."
        ) % {"conflict": _date(params.get("conflict_date"))}
    if code == "establishment_limit":
        return _(
            "Establishment period limit (派遣法40条の2): the job runs past the establishment's "
            "conflict date %(conflict)s."
        ) % {"conflict": _date(params.get("conflict_date"))}
    if code == "former_employee":
        return _(
            "Former employee (派遣法40条の9): directly employed by this client's legal entity "
            "within the year before the start (until %(end)s)."
        ) % {
            "end": _date(params.get("employment_end")) if params.get("employment_end") else _("now")
        }
    if code == "day_dispatch":
        return _(
            "Day dispatch (派遣法35条の4): an employment contract of %(days)s days is not allowed "
            "for this work unless an exemption is verified."
        ) % {"days": params.get("contract_days")}
    if code == "prohibited_work":
        return _("Work that may not be dispatched (派遣法4条).")
    if code == "schedule_overlap":
        period = {"start": _date(params.get("start")), "end": _date(params.get("end"))}
        if block:
            return (
                _(
                    "Overlaps the assignment of %(start)s–%(end)s, and concurrent work was not "
                    "accepted."
                )
                % period
            )
        return (
            _("Overlaps the assignment of %(start)s–%(end)s (concurrent work accepted).") % period
        )
    if code == "wage_below_desired":
        return _("Pay %(wage)s yen an hour is below the desired %(desired)s yen.") % {
            "wage": f"{params.get('wage', 0):,}",
            "desired": f"{params.get('desired', 0):,}",
        }
    if code == "no_transport_allowance":
        if params.get("required"):
            return _("No transport allowance, although one is required.")
        return _("No transport allowance.")
    if code == "long_commute":
        return _("Commute about %(minutes)s minutes, longer than the %(max)s minutes wanted.") % {
            "minutes": params.get("minutes"),
            "max": params.get("max"),
        }
    if code == "contract_shorter_than_desired":
        return _("Contract of %(months)s months, shorter than the %(min)s months wanted.") % {
            "months": _months(params.get("months")),
            "min": params.get("min"),
        }
    if code == "contract_longer_than_desired":
        if params.get("months") is None:
            return _("Open-ended contract, longer than the %(max)s months wanted.") % {
                "max": params.get("max")
            }
        return _("Contract of %(months)s months, longer than the %(max)s months wanted.") % {
            "months": _months(params.get("months")),
            "max": params.get("max"),
        }
    if code == "same_unit_before":
        return _(
            "Worked in this same unit before (%(periods)s); individual limit conflict date "
            "%(conflict)s."
        ) % {
            "periods": _periods(params.get("earlier") or []),
            "conflict": _date(params.get("conflict_date")),
        }
    if code == "missing_required_duty":
        if not params.get("months_required"):
            return _("%(duty)s: required, not done yet.") % {
                "duty": _duty_name(params.get("duty", ""))
            }
        return _("%(duty)s: %(had)s months of the %(required)s months required.") % {
            "duty": _duty_name(params.get("duty", "")),
            "had": params.get("months_had"),
            "required": params.get("months_required"),
        }
    if code == "start_before_available":
        return _("Starts %(start)s, before the date available (%(available)s).") % {
            "start": _date(params.get("start")),
            "available": _date(params.get("available_from")),
        }
    if code == "flagged_requirement":
        return _(
            "The case's text has a requirement about age, sex or appearance (%(phrases)s); the "
            "case sales rep has been told."
        ) % {"phrases": "、".join(params.get("phrases") or [])}
    return code


def describe_all(findings: list[dict], *, block: bool) -> list[str]:
    return [describe(finding, block=block) for finding in findings]
