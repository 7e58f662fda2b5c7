"""Job alert tasks: beat starts a run per frequency, which fans out into batches of registrants."""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import alerts


@shared_task(ignore_result=True)
def task_send_job_alerts(*, frequency: str) -> int:
    """Queue one composing task per batch; the period is fixed here so that a retried batch
    lands in the same digest."""
    period = alerts.period_of(frequency, timezone.now())
    batches = alerts.send_job_alerts(frequency=frequency)
    for registrant_ids in batches:
        task_compose_digests.delay(
            registrant_ids=registrant_ids, frequency=frequency, period=period
        )
    return len(batches)


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def task_compose_digests(*, registrant_ids: list[int], frequency: str, period: str) -> int:
    return alerts.compose_digests(registrant_ids=registrant_ids, frequency=frequency, period=period)
