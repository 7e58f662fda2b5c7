"""Stored match results: the engine's score, breakdown, caveats and blocks for a pair."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cases import Job


class MatchQuerySet(models.QuerySet):
    def eligible(self):
        return self.filter(eligible=True)

    def for_job(self, job):
        return self.filter(job=job).order_by("-eligible", "-score", "registrant_id")

    def for_registrant(self, registrant):
        return self.filter(registrant=registrant).order_by("-eligible", "-score", "job_id")

    def open_jobs(self):
        return self.filter(job__status=Job.Status.OPEN)


class Match(models.Model):
    """One registrant × job case as the matching engine last saw it.

    ``factors`` maps each factor to its points; ``caveats`` and ``blocks`` are lists of
    ``{"code": ..., "params": {...}}`` that ``jobs.findings`` turns into words.
    """

    # No single-column indexes on the two keys: the pair index below starts with the case (a
    # case has at most 60 rows to sort), the score index with the registrant; every index costs
    # time when a recompute writes 250,000 rows.
    job = models.ForeignKey(
        Job,
        verbose_name=_("job case"),
        on_delete=models.CASCADE,
        related_name="matches",
        db_index=False,
    )
    registrant = models.ForeignKey(
        "registrants.Registrant",
        verbose_name=_("registrant"),
        on_delete=models.CASCADE,
        related_name="matches",
        db_index=False,
    )
    score = models.FloatField(_("score"))
    eligible = models.BooleanField(_("eligible"))
    factors = models.JSONField(_("factors"), default=dict)
    caveats = models.JSONField(_("caveats"), default=list)
    blocks = models.JSONField(_("blocks"), default=list)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    # A pair is kept while it is among the best of its case or among the best of its registrant.
    in_job_top = models.BooleanField(_("among the case's best"), default=False)
    in_registrant_top = models.BooleanField(_("among the registrant's best"), default=False)
    # A hash of the stored values: a recompute rewrites only the rows whose values changed.
    digest = models.BigIntegerField(_("hash of the values"), null=True, editable=False)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["job", "registrant"], name="one_match_per_pair"),
        ]
        indexes = [
            models.Index(fields=["registrant", "-score"], name="match_registrant_score"),
        ]

    def __str__(self) -> str:
        return f"{self.registrant_id} × {self.job_id}: {self.score}"

    @property
    def caveat_codes(self) -> list[str]:
        return [item["code"] for item in self.caveats]

    @property
    def block_codes(self) -> list[str]:
        return [item["code"] for item in self.blocks]
