"""The real thing: a task queued over Redis is executed by a ``celery worker`` process."""

import pytest
from django.urls import reverse

from registrants.models import Registrant


@pytest.mark.postgres
@pytest.mark.redis
def test_signup_queues_the_welcome_mail_and_a_real_worker_sends_it(client, celery_worker):
    response = client.post(
        reverse("staffing:signup"),
        {
            "email": "worker.test@example.jp",
            "family_name": "鈴木",
            "given_name": "一郎",
            "family_name_kana": "スズキ",
            "given_name_kana": "イチロウ",
            "password": "kiri-no-mori-7",
            "privacy_consent": "on",
        },
    )
    assert response.status_code == 302
    assert Registrant.objects.filter(email="worker.test@example.jp").exists()

    mails = celery_worker.wait_for(celery_worker.mails)

    assert len(mails) == 1
    assert mails[0]["To"] == "worker.test@example.jp"
    assert mails[0]["Subject"] == "仲立ちへようこそ"
    assert mails[0].get_content().startswith("鈴木 一郎 様")
