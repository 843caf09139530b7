""" "My settings": staff choose their email language and, managers, their summary email."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications.selectors import digest_recipients

pytestmark = pytest.mark.django_db

URL = "/admin/accounts/user/my-settings/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_manager_opts_in_to_the_weekly_summary_and_becomes_a_recipient(manager):
    assert manager not in digest_recipients("weekly")

    response = signed_in(manager).post(URL, {"language": "ru", "digest_frequency": "weekly"})

    assert response.status_code == 302
    manager.refresh_from_db()
    assert (manager.language, manager.digest_frequency) == ("ru", "weekly")
    assert manager in digest_recipients("weekly")
    entry = LogEntry.objects.get(object_id=str(manager.pk))
    assert entry.user == manager
    assert "Language" in entry.get_change_message()


def test_other_staff_choose_their_language_but_are_not_offered_summaries(reviewer):
    client = signed_in(reviewer)
    page = client.get(URL).content.decode()
    assert 'name="language"' in page
    assert 'name="digest_frequency"' not in page

    # Posting it anyway changes nothing: the field is not theirs to set.
    client.post(URL, {"language": "kk", "digest_frequency": "weekly"})
    reviewer.refresh_from_db()
    assert (reviewer.language, reviewer.digest_frequency) == ("kk", User.DigestFrequency.NONE)


def test_an_unknown_choice_is_a_form_error_and_saves_nothing(manager):
    response = signed_in(manager).post(URL, {"language": "fr", "digest_frequency": "daily"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"language", "digest_frequency"}
    manager.refresh_from_db()
    assert (manager.language, manager.digest_frequency) == ("en", User.DigestFrequency.NONE)
    assert not LogEntry.objects.exists()


def test_saving_without_a_change_logs_nothing(monitor):
    response = signed_in(monitor).post(URL, {"language": "en"})
    assert response.status_code == 302
    assert not LogEntry.objects.exists()


def test_each_admin_page_links_to_it(monitor):
    page = signed_in(monitor).get(reverse("admin:index")).content.decode()
    assert f'href="{URL}"' in page


def test_partners_and_visitors_are_sent_to_the_login_page(partner, client):
    for who in (client, signed_in(partner)):
        response = who.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
