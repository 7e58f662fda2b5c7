"""Outbox, message and reminder tasks: thin wrappers, the work is in the services.

Retries of e-mail are scheduled by the outbox itself (``Notification.next_attempt_at`` and the
sweep), not by broker countdowns: a countdown held by a worker dies with it, and long
countdowns under Redis collide with the visibility timeout. ``acks_late`` keeps a message on the
broker until the work is done; ``deliver`` makes running it twice harmless. None of these tasks
has a result anyone waits for, so none touches the result backend (which would stall a web
request for seconds when Redis is down).
"""

from celery import shared_task
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

from . import notifications, reminders


@task_prerun.connect
@task_postrun.connect
def _database_connections_as_for_requests(task=None, **kwargs) -> None:
    """Treat each task like a web request: keep the connection for ``CONN_MAX_AGE``, drop it
    after an error. (Celery's own default opens a new connection for every task, which costs
    more than sending a short e-mail.) Eager tasks run inside their caller's transaction and
    must not touch its connection."""
    if task is not None and not task.request.is_eager:
        close_old_connections()


@shared_task(acks_late=True, ignore_result=True)
def task_deliver_notification(*, notification_id: int) -> None:
    notifications.deliver(notification_id=notification_id)


@shared_task(acks_late=True, ignore_result=True)
def task_deliver_notifications(*, notification_ids: list[int]) -> None:
    notifications.deliver_many(notification_ids=notification_ids)


@shared_task(ignore_result=True)
def task_sweep_outbox() -> int:
    return notifications.sweep()


@shared_task(acks_late=True, ignore_result=True)
def task_remind_assignment_endings() -> int:
    return reminders.remind_assignment_endings()


@shared_task(acks_late=True, ignore_result=True)
def task_remind_conflict_dates() -> int:
    return reminders.remind_conflict_dates()


@shared_task(acks_late=True, ignore_result=True)
def task_remind_overdue_steps() -> int:
    return reminders.remind_overdue_steps()
