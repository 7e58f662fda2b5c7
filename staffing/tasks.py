from celery import shared_task

from . import notifications


@shared_task(bind=True, max_retries=notifications.MAX_ATTEMPTS, acks_late=True)
def task_deliver_notification(self, *, notification_id: int) -> None:
    try:
        notifications.deliver(notification_id=notification_id)
    except Exception as error:
        raise self.retry(exc=error, countdown=min(2**self.request.retries * 30, 3600)) from error


@shared_task
def task_sweep_outbox() -> int:
    return notifications.sweep()
