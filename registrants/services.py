from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from staffing.models import User

from .models import Registrant


@transaction.atomic
def sign_up_registrant(
    *,
    email: str,
    password: str,
    family_name: str,
    given_name: str,
    family_name_kana: str = "",
    given_name_kana: str = "",
    language: str = "ja",
) -> Registrant:
    """A person registers on the portal: one login, one registrant record, consent recorded."""
    from .tasks import task_send_welcome

    user = User.objects.create_user(
        email,
        password,
        display_name=f"{family_name} {given_name}",
        is_registrant=True,
        language=language,
    )
    registrant = Registrant.objects.create(
        ref=f"web-{user.pk:06d}",
        user=user,
        email=user.email,
        family_name=family_name,
        given_name=given_name,
        family_name_kana=family_name_kana,
        given_name_kana=given_name_kana,
        privacy_consent_at=timezone.now(),
    )
    task_send_welcome.delay_on_commit(registrant_id=registrant.pk)
    return registrant


def send_welcome_mail(*, registrant: Registrant) -> None:
    language = registrant.user.language if registrant.user else "ja"
    with translation.override(language):
        context = {"registrant": registrant, "site_url": settings.SITE_URL}
        subject = render_to_string("emails/welcome_subject.txt", context).strip()
        body = render_to_string("emails/welcome.txt", context)
    send_mail(subject, body, None, [registrant.email])
