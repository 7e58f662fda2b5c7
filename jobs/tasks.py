"""Matching runs on the workers: thin tasks around ``jobs.matching_adapter``."""

from celery import chord, shared_task

from . import matching_adapter
from .models import Job

CHUNK = 500


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def task_rank_job(*, job_id: int) -> int:
    return matching_adapter.rank_job(job_id=job_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def task_rank_registrant(*, registrant_id: int) -> int:
    return matching_adapter.rank_registrant(registrant_id=registrant_id)


@shared_task(acks_late=True)
def task_rank_job_chunk(*, job_ids: list[int]) -> int:
    """One slice of the nightly recompute; a worker reuses its cached registrant matrix."""
    return matching_adapter.rank_jobs(job_ids)


@shared_task
def task_finish_recompute(stored: list[int]) -> int:
    matching_adapter.remove_closed()
    return sum(stored)


@shared_task
def task_recompute_all() -> None:
    """Nightly: every open case against every registrant, split into chunks so that more worker
    machines finish it sooner."""
    ids = list(Job.objects.open().order_by("pk").values_list("pk", flat=True))
    chunks = [ids[lo : lo + CHUNK] for lo in range(0, len(ids), CHUNK)] or [[]]
    chord(task_rank_job_chunk.s(job_ids=chunk) for chunk in chunks)(task_finish_recompute.s())
