"""Login lockout counts failures per (account, address), with a cool-off."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from ..factories import PASSWORD, RegistrantFactory

OFFICE = "203.0.113.7"
HOME = "198.51.100.23"


def _login(client, email, password, address):
    return client.post(
        reverse("staffing:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def alice(db):
    return RegistrantFactory(user__email="alice@example.jp").user


@pytest.fixture
def bob(db):
    return RegistrantFactory(user__email="bob@example.jp").user


@pytest.mark.django_db
def test_five_failures_lock_that_account_from_that_address(client, alice):
    for _ in range(5):
        _login(client, alice.email, "wrong", OFFICE)

    response = _login(client, alice.email, PASSWORD, OFFICE)

    assert response.status_code == 429
    assert "ログインを一時停止しています" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_colleague_behind_the_same_office_address_is_not_locked_out(client, alice, bob):
    for _ in range(5):
        _login(client, alice.email, "wrong", OFFICE)

    response = _login(client, bob.email, PASSWORD, OFFICE)

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == bob.pk


@pytest.mark.django_db
def test_the_same_account_from_another_address_can_still_log_in(client, alice):
    for _ in range(5):
        _login(client, alice.email, "wrong", OFFICE)

    response = _login(client, alice.email, PASSWORD, HOME)

    assert response.status_code == 302


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client, alice):
    for _ in range(5):
        _login(client, alice.email, "wrong", OFFICE)
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )

    response = _login(client, alice.email, PASSWORD, OFFICE)

    assert response.status_code == 302
