import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.models import User
from notifications.models import SentEmail
from tests.factories import UserFactory
from tests.notifications.conftest import almaty

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(reviewer):
    return SentEmail.objects.create(
        recipient=reviewer,
        kind="reviewer_reminder",
        period_key="2026-11-25",
        subject="[Tracker] 2 findings need your attention",
        sent_at=almaty(2026, 11, 25, 8),
    )


def test_the_migration_lets_managers_read_the_sent_email_log(client, manager, sent):
    # Applied here because the test plumbing rebuilds the role groups from the
    # accounts migration's frozen table after every flush.
    migration = importlib.import_module("notifications.migrations.0002_schedules")
    migration.let_managers_read_the_log(apps, None)
    client.force_login(User.objects.get(pk=manager.pk))

    response = client.get(reverse("admin:notifications_sentemail_changelist"))

    assert response.status_code == 200
    assert "[Tracker] 2 findings need your attention" in response.content.decode()


def test_nobody_can_add_change_or_delete_log_rows_in_the_admin(client, sent):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    assert client.get(reverse("admin:notifications_sentemail_add")).status_code == 403
    assert (
        client.post(reverse("admin:notifications_sentemail_delete", args=[sent.pk])).status_code
        == 403
    )
    client.post(
        reverse("admin:notifications_sentemail_change", args=[sent.pk]), {"subject": "edited"}
    )
    sent.refresh_from_db()
    assert sent.subject == "[Tracker] 2 findings need your attention"


def test_reviewers_cannot_see_the_log(client, reviewer, sent):
    client.force_login(reviewer)

    response = client.get(reverse("admin:notifications_sentemail_changelist"))

    assert response.status_code == 403
