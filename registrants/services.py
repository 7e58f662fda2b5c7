from django.conf import settings
from django.db import transaction
from django.utils import timezone

from staffing.models import User
from staffing.notifications import notify

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
    notify(
        recipient=user,
        kind="welcome",
        event_key=f"welcome:{user.pk}",
        template="welcome",
        context={"registrant": registrant, "site_url": settings.SITE_URL},
        url="/me/",
    )
    return registrant
