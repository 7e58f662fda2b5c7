"""Rank registrants for a case, or cases for a registrant, and print the result as JSON."""

import json

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from jobs import findings, matching_adapter
from jobs.matching import (
    JobMatrix,
    RegistrantMatrix,
    explain_rankings,
    rank_jobs_for_registrant,
    rank_registrants_for_jobs,
)
from jobs.matching.batch import explain_pairs
from jobs.models import Job
from registrants.models import Registrant


class Command(BaseCommand):
    help = "Match one job case against all registrants, or one registrant against all open cases."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--job", metavar="REF", help="the job case's ref")
        target.add_argument("--registrant", metavar="REF", help="the registrant's ref")
        parser.add_argument("--top", type=int, default=matching_adapter.TOP_N)
        parser.add_argument("--all", action="store_true", help="include blocked pairs")
        parser.add_argument("--json", action="store_true", help="print JSON (the only format)")
        parser.add_argument("--language", choices=["ja", "en"], help="language of the messages")

    def handle(self, *args, job, registrant, top, all, language, **options):
        if top < 1:
            raise CommandError("--top must be 1 or more")
        with translation.override(language or translation.get_language() or "ja"):
            if job:
                results = self._for_job(job, top, include_blocked=all)
            else:
                results = self._for_registrant(registrant, top, include_blocked=all)
            payload = {"results": [self._render(result, bool(job)) for result in results]}
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))

    def _for_job(self, ref: str, top: int, *, include_blocked: bool):
        found = Job.objects.filter(ref=ref).first()
        if found is None:
            raise CommandError(f"--job: unknown job ref {ref!r}")
        J = JobMatrix.from_jobs([matching_adapter.job_case(found)])
        R = matching_adapter.registrant_matrix()
        on = matching_adapter.today()
        if include_blocked:
            everyone = np.arange(len(R))
            results = explain_pairs(R, J, np.zeros_like(everyone), everyone, today=on)
            results.sort(key=lambda r: (-r.score, r.registrant_id))
            return results[:top]
        return explain_rankings(
            R, J, rank_registrants_for_jobs(R, J, None, top, today=on), today=on
        )

    def _for_registrant(self, ref: str, top: int, *, include_blocked: bool):
        found = Registrant.objects.filter(ref=ref).first()
        if found is None:
            raise CommandError(f"--registrant: unknown registrant ref {ref!r}")
        R1 = RegistrantMatrix.from_profiles([matching_adapter.registrant_profile(found)])
        J = matching_adapter.open_job_matrix()
        on = matching_adapter.today()
        if include_blocked:
            jobs = np.arange(len(J))
            results = explain_pairs(R1, J, jobs, np.zeros_like(jobs), today=on)
            results.sort(key=lambda r: (-r.score, r.job_id))
            return results[:top]
        jobs = rank_jobs_for_registrant(R1, J, 0, top, today=on).job_indices
        return explain_pairs(R1, J, jobs, np.zeros_like(jobs), today=on)

    def _render(self, result, for_job: bool) -> dict:
        refs = self._refs
        key, ref = (
            ("registrant", refs("registrant", result.registrant_id))
            if for_job
            else ("job", refs("job", result.job_id))
        )
        return {
            key: ref,
            "score": result.score,
            "eligible": result.eligible,
            "factors": {name: result.factors.get(name) for name in findings.FACTOR_ORDER},
            "caveats": [
                {"code": c.code, "message": findings.describe(c.to_dict(), block=False), **c.params}
                for c in result.caveats
            ],
            "blocks": [
                {"code": b.code, "message": findings.describe(b.to_dict(), block=True), **b.params}
                for b in result.blocks
            ],
        }

    def _refs(self, kind: str, pk: int) -> str:
        cache = self.__dict__.setdefault("_ref_cache", {})
        if (kind, pk) not in cache:
            model = Registrant if kind == "registrant" else Job
            cache[(kind, pk)] = model.objects.values_list("ref", flat=True).get(pk=pk)
        return cache[(kind, pk)]
