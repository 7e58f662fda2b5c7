"""Job alerts: the cases a registrant would never have noticed, at the frequency they chose.

A digest lists the registrant's stored matches (``jobs.models.Match``) that are eligible, on an
open case, at or above the registrant's own lowest score, and new: never in an earlier digest
(``AlertedJob``), not dismissed, not already applied to or proposed. Each case comes with the
reasons it fits (the strongest score factors) and every caveat in words. A blocked pair is never
sent. The link in every digest is signed, so it works without logging in and cannot be pointed
at somebody else.

Digests are composed in batches of registrants: a handful of queries per batch, one render per
registrant and one bulk write, so that 100,000 registrants take a couple of minutes.
"""

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jobs import findings
from jobs.models import Application, Job, Match
from staffing import notifications
from staffing.models import Notification

from .models import AlertedJob, Dismissal, Registrant

Frequency = Registrant.AlertFrequency
SALT = "registrants.alerts.manage"
LINK_MAX_AGE = datetime.timedelta(days=400)
MAX_JOBS_PER_DIGEST = 10
BATCH = 500
REASONS_SHOWN = 3


# --- The signed link ----------------------------------------------------------------------------


def manage_token(registrant_id: int) -> str:
    return signing.dumps(registrant_id, salt=SALT, compress=False)


def manage_url(registrant_id: int) -> str:
    path = reverse("staffing:alerts_manage", args=[manage_token(registrant_id)])
    return f"{settings.SITE_URL}{path}"


def registrant_for_token(token: str) -> Registrant:
    """The registrant a link was made for.

    Raises ``signing.BadSignature`` when the link was changed or is older than ``LINK_MAX_AGE``,
    and ``Registrant.DoesNotExist`` when the registrant is gone.
    """
    registrant_id = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    return Registrant.objects.select_related("user").get(pk=registrant_id)


@transaction.atomic
def change_alerts(*, registrant: Registrant, frequency: str, min_score: int | None = None) -> None:
    """The registrant's choice of frequency (``off`` stops alerts) and lowest score."""
    registrant.alert_frequency = Frequency(frequency)
    fields = ["alert_frequency", "updated_at"]
    if min_score is not None:
        registrant.alert_min_score = min_score
        fields.append("alert_min_score")
    registrant.save(update_fields=fields)


# --- Which matches are new ----------------------------------------------------------------------


def _qualifying(matches):
    """Of ``matches``: eligible, unblocked, on open cases, at or above the registrant's lowest
    score, and not sent before, dismissed or applied to (a proposal is an application too)."""
    pair = {"registrant_id": OuterRef("registrant_id"), "job_id": OuterRef("job_id")}
    return (
        matches.filter(
            eligible=True,
            blocks=[],
            job__status=Job.Status.OPEN,
            score__gte=F("registrant__alert_min_score"),
        )
        .exclude(Exists(Dismissal.objects.filter(**pair)))
        .exclude(Exists(Application.objects.filter(**pair)))
        .exclude(Exists(AlertedJob.objects.filter(**pair)))
    )


def new_matches(registrant_ids: Iterable[int]):
    """The matches a digest for these registrants lists, best first per registrant."""
    matches = Match.objects.filter(registrant_id__in=list(registrant_ids))
    return _qualifying(matches).order_by("registrant_id", "-score", "job_id")


def period_of(frequency: str, now: datetime.datetime) -> str:
    """The digest's period: one daily digest a day, one weekly a week; immediate alerts go out
    on every run that finds something new."""
    local = timezone.localtime(now)
    if frequency == Frequency.DAILY:
        return local.strftime("%Y-%m-%d")
    if frequency == Frequency.WEEKLY:
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.strftime("%Y-%m-%dT%H:%M")


def digest_key(registrant_id: int, frequency: str, period: str) -> str:
    return f"job-alert:{frequency}:{period}:{registrant_id}"


# --- Composing ----------------------------------------------------------------------------------


_NAME, _ITEMS, _LINK = "\x00name\x00", "\x00cases\x00", "\x00link\x00"


class _Lines:
    """The lines of a digest, each worked out once per batch and language.

    A day's digests for 100,000 registrants repeat the same cases and the same caveats over and
    over; formatting a case's lines once per language (rather than through the template engine
    for every registrant) is what keeps composing them within minutes.
    """

    def __init__(self, jobs: dict[int, dict]):
        self.jobs = jobs
        self._cache: dict[tuple, str] = {}
        self._job_url = _url_pattern("jobs:detail")
        self.manage_url = _url_pattern("staffing:alerts_manage")
        self.matches_url = reverse("registrants:matches")
        self._order = {name: position for position, name in enumerate(findings.FACTOR_ORDER)}

    def _once(self, key: tuple, make) -> str:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def case(self, job_id: int, language: str) -> str:
        def make() -> str:
            job = self.jobs[job_id]
            facts = _("%(wage)s yen an hour · %(place)s · from %(start)s") % {
                "wage": f"{job['hourly_wage']:,}",
                "place": f"{job['prefecture']}{job['city']}",
                "start": job["start"].isoformat(),
            }
            return f"■ {job['title']}\n  {facts}"

        return self._once(("case", job_id, language), make)

    def caveat(self, finding: dict, language: str) -> str:
        key = ("caveat", language, json.dumps(finding, sort_keys=True))
        return self._once(
            key,
            lambda: _("Catch: %(caveat)s") % {"caveat": findings.describe(finding, block=False)},
        )

    def reasons(self, factors: dict, language: str) -> str:
        """The labels of the strongest factors, in the usual factor order on a tie."""
        positive = [(name, points) for name, points in factors.items() if points and points > 0]
        positive.sort(key=lambda item: (-item[1], self._order.get(item[0], len(self._order))))
        names = tuple(name for name, _points in positive[:REASONS_SHOWN])
        return self._once(
            ("reasons", language, names),
            lambda: pgettext("list separator", ", ").join(findings.factor_label(n) for n in names),
        )

    def digest(self, *, language: str, count: int, frequency: str, min_score: int):
        """Subject and body of ``emails/job_alert`` with the name, the cases and the link left
        as markers: the template is rendered once per language and setting, not per person."""
        key = ("digest", language, count, frequency, min_score)
        if key not in self._cache:
            context = {
                "registrant": {"full_name": _NAME},
                "items": [_ITEMS] * count,
                "frequency": Frequency(frequency).label,
                "min_score": min_score,
                "manage_url": _LINK,
            }
            subject, body = notifications.render("job_alert", context, language=language)
            # One marker stands for all the cases, however many there are.
            body = body.replace(f"{_ITEMS}\n\n" * (count - 1), "", 1)
            self._cache[key] = (subject, body)
        return self._cache[key]

    def item(self, match: "_Pick", language: str) -> str:
        """One case of the digest: what it is, how well it fits and why, every catch, the link."""
        fit = _("Match: %(score)s points") % {"score": round(match.score)}
        reasons = self.reasons(match.factors, language)
        if reasons:
            fit += " — " + _("why it fits: %(reasons)s") % {"reasons": reasons}
        lines = [self.case(match.job_id, language), f"  {fit}"]
        lines += [f"  {self.caveat(finding, language)}" for finding in match.caveats]
        lines.append(f"  {self._job_url.format(match.job_id)}")
        return "\n".join(lines)


class _Pick(NamedTuple):
    registrant_id: int
    job_id: int
    score: float
    factors: dict
    caveats: list


def _url_pattern(name: str) -> str:
    """``SITE_URL`` + the path of ``name`` with ``{}`` for its one argument (reversed once)."""
    marker = "987654321"
    return f"{settings.SITE_URL}{reverse(name, args=[marker])}".replace(marker, "{}")


def _job_summaries(job_ids: set[int]) -> dict[int, dict]:
    fields = ("pk", "ref", "title", "hourly_wage", "prefecture", "city", "place", "start", "end")
    return {row["pk"]: row for row in Job.objects.filter(pk__in=job_ids).values(*fields)}


def compose_digests(*, registrant_ids: list[int], frequency: str, period: str) -> int:
    """Write the digests of one batch of registrants; returns how many were written.

    Registrants whose digest for ``period`` exists already are left out, so running a batch
    twice sends nothing twice. Two runs over the same registrants at the same moment cannot
    both write: the second one's digest rows collide with the first's on the outbox's unique
    event key, its transaction rolls back, and the task's retry finds them done.
    """
    frequency = Frequency(frequency)
    now = timezone.now()
    with transaction.atomic():
        registrants = list(
            Registrant.objects.filter(
                pk__in=registrant_ids, alert_frequency=frequency, user__is_active=True
            )
            .select_related("user")
            .order_by("pk")
        )
        keys = {r.pk: digest_key(r.pk, frequency, period) for r in registrants}
        sent = Notification.objects.filter(
            recipient_id__in=[r.user_id for r in registrants], event_key__in=keys.values()
        )
        done = set(sent.values_list("event_key", flat=True))
        registrants = [r for r in registrants if keys[r.pk] not in done]
        if not registrants:
            return 0

        picked: dict[int, list[_Pick]] = defaultdict(list)
        rows = new_matches(r.pk for r in registrants)
        for row in rows.values_list("registrant_id", "job_id", "score", "factors", "caveats"):
            if len(picked[row[0]]) < MAX_JOBS_PER_DIGEST:
                picked[row[0]].append(_Pick(*row))
        jobs = _job_summaries({m.job_id for ms in picked.values() for m in ms})

        lines = _Lines(jobs)
        outbox: list[Notification] = []
        alerted: list[tuple] = []
        for registrant in registrants:
            matches = picked.get(registrant.pk)
            if not matches:
                continue
            key = keys[registrant.pk]
            outbox += _digest_rows(registrant, matches, lines, key=key, now=now)
            alerted += [(registrant.pk, m.job_id, now, key) for m in matches]
        notifications.notify_bulk(outbox)
        _record_alerted(alerted)
    return len({row.recipient_id for row in outbox})


def _record_alerted(rows: list[tuple]) -> None:
    columns = ("registrant_id", "job_id", "alerted_at", "digest")
    if connection.vendor == "postgresql":
        notifications.copy_rows(AlertedJob, columns, rows)
    else:
        AlertedJob.objects.bulk_create(
            AlertedJob(**dict(zip(columns, row, strict=True))) for row in rows
        )


def _digest_rows(registrant, matches, lines: _Lines, *, key: str, now) -> list[Notification]:
    user = registrant.user
    language = user.language or settings.LANGUAGE_CODE
    link = lines.manage_url.format(manage_token(registrant.pk))
    with translation.override(language):
        items = [lines.item(match, language) for match in matches]
    subject, body = lines.digest(
        language=language,
        count=len(items),
        frequency=registrant.alert_frequency,
        min_score=registrant.alert_min_score,
    )
    return notifications.outbox_rows(
        recipient=user,
        kind="job_alert",
        event_key=key,
        subject=subject,
        body=body.replace(_NAME, registrant.full_name)
        .replace(_ITEMS, "\n\n".join(items))
        .replace(_LINK, link),
        url=lines.matches_url,
        email=registrant.contact_by_email,
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        now=now,
    )


def registrants_due(frequency: str) -> list[int]:
    """Everyone who chose ``frequency``, can be reached and has something new: one query, so a
    run every ten minutes for "immediately" stays cheap."""
    fresh = _qualifying(Match.objects.filter(registrant_id=OuterRef("pk")))
    return list(
        Registrant.objects.filter(alert_frequency=frequency, user__is_active=True)
        .filter(Exists(fresh))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def send_job_alerts(*, frequency: str, now=None, batch: int = BATCH) -> list[list[int]]:
    """Split the registrants of ``frequency`` into batches for ``task_compose_digests``."""
    if frequency == Frequency.OFF:
        return []
    ids = registrants_due(frequency)
    return [ids[start : start + batch] for start in range(0, len(ids), batch)]
