from celery import shared_task

from .models import Registrant
from .services import send_welcome_mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def task_send_welcome(*, registrant_id: int) -> None:
    registrant = Registrant.objects.select_related("user").filter(pk=registrant_id).first()
    if registrant is None:
        return
    send_welcome_mail(registrant=registrant)
