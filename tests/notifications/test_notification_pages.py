"""The in-portal list: unread count in the header, open marks read, read all."""

import pytest
from django.urls import reverse

from staffing import notifications
from staffing.models import Notification
from tests.factories import RegistrantFactory, UserFactory

pytestmark = pytest.mark.django_db


def _notify(user, key, url="/me/"):
    notifications.notify(
        recipient=user,
        kind="welcome",
        event_key=key,
        template="welcome",
        context={"registrant": RegistrantFactory.build()},
        url=url,
    )


def test_the_header_shows_the_unread_count_and_the_list_shows_every_notification(client):
    user = UserFactory()
    for key in ("a", "b", "c"):
        _notify(user, key)
    _notify(UserFactory(), "someone-else")
    Notification.objects.filter(recipient=user, event_key="c").update(read_at="2026-11-27T00:00Z")
    client.force_login(user)

    page = client.get(reverse("staffing:notifications"))

    assert '<span class="count" aria-label="未読2件">2</span>' in page.text
    assert page.text.count('data-testid="notification"') == 3
    assert page.text.count('<span class="badge badge-unread">未読</span>') == 2


def test_opening_a_notification_marks_it_read_and_follows_its_link(client):
    user = UserFactory()
    _notify(user, "a", url="/me/applications/")
    item = Notification.objects.get(channel="in_app")
    client.force_login(user)

    response = client.post(reverse("staffing:notification_open", args=[item.pk]))

    assert (response.status_code, response.url) == (302, "/me/applications/")
    item.refresh_from_db()
    assert item.read_at is not None
    assert 'aria-label="未読' not in client.get(reverse("staffing:notifications")).text


def test_a_link_to_another_site_is_not_followed(client):
    user = UserFactory()
    _notify(user, "a", url="https://evil.example/")
    item = Notification.objects.get(channel="in_app")
    client.force_login(user)

    response = client.post(reverse("staffing:notification_open", args=[item.pk]))

    assert response.url == reverse("staffing:notifications")


def test_someone_elses_notification_cannot_be_opened(client):
    _notify(UserFactory(), "a")
    item = Notification.objects.get(channel="in_app")
    client.force_login(UserFactory())

    response = client.post(reverse("staffing:notification_open", args=[item.pk]))

    assert response.status_code == 404
    item.refresh_from_db()
    assert item.read_at is None


def test_read_all_returns_the_list_fragment_with_htmx(client):
    user = UserFactory()
    for key in ("a", "b"):
        _notify(user, key)
    client.force_login(user)

    fragment = client.post(
        reverse("staffing:notifications_read_all"), headers={"HX-Request": "true"}
    )

    assert fragment.text.lstrip().startswith('<div id="notification-list"')
    assert "未読" not in fragment.text
    assert not Notification.objects.in_app_for(user).unread().exists()


def test_the_list_needs_a_login(client):
    response = client.get(reverse("staffing:notifications"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("staffing:login"))
