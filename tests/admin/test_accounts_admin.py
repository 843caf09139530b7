"""Users, organisations and API keys in the admin."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import UserAPIKey
from tests.admin.conftest import login
from tests.factories import OrganisationFactory, ThemeFactory, UserFactory


def test_the_user_list_shows_roles_and_organisations(manager_client, partner, reviewer):
    response = manager_client.get(reverse("admin:accounts_user_changelist"))
    html = response.content.decode()
    assert "reviewer" in html
    assert partner.organisation.name in html


def test_creating_an_api_key_shows_it_once_and_only_its_hash_is_kept(manager_client, partner):
    response = manager_client.post(
        reverse("admin:accounts_userapikey_add"),
        {"name": "NGO integration", "user": partner.pk, "expiry_date_0": "", "expiry_date_1": ""},
        follow=True,
    )
    [message] = [str(m) for m in response.context["messages"] if "is:" in str(m)]
    key = re.search(r"is: (\S+) —", message).group(1)
    api_key = UserAPIKey.objects.get(name="NGO integration")
    assert api_key.user == partner
    assert key not in api_key.hashed_key
    assert UserAPIKey.objects.get_from_key(key) == api_key
    # It is not shown again.
    page = manager_client.get(reverse("admin:accounts_userapikey_change", args=[api_key.pk]))
    assert key not in page.content.decode()


def test_revoking_keys_stops_them(manager_client, partner):
    api_key, key = UserAPIKey.objects.create_key(name="old", user=partner)
    manager_client.post(
        reverse("admin:accounts_userapikey_changelist"),
        {"action": "revoke", "_selected_action": [api_key.pk], "index": 0},
    )
    api_key.refresh_from_db()
    assert api_key.revoked
    assert not UserAPIKey.objects.is_valid(key)


def test_monitors_cannot_see_api_keys(monitor_client):
    assert monitor_client.get(reverse("admin:accounts_userapikey_changelist")).status_code == 403


def test_a_partner_account_cannot_be_given_staff_status(superuser, partner):
    client = login(superuser)
    url = reverse("admin:accounts_user_change", args=[partner.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data.update(
        {
            "is_staff": "on",
            "is_active": "on",
            "groups": [Group.objects.get(name="partner").pk],
            "date_joined_0": partner.date_joined.date().isoformat(),
            "date_joined_1": "00:00:00",
            "organisation": partner.organisation_id,
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cannot have staff status" in response.content.decode()
    partner.refresh_from_db()
    assert not partner.is_staff


def test_theme_expert_autocomplete_offers_reviewers_only(manager_client, reviewer, monitor):
    ThemeFactory()
    response = manager_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "findings", "model_name": "theme", "field_name": "reviewers", "term": ""},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["reviewer"]


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name"),
    [
        ("findings", "finding", "report"),
        ("findings", "finding", "themes"),
        ("findings", "finding", "affected_groups"),
        ("findings", "finding", "treaties"),
        ("findings", "finding", "provisions"),
        ("findings", "finding", "obligations"),
        ("findings", "finding", "institutions"),
        ("findings", "finding", "repeats"),
        ("accounts", "user", "organisation"),
        ("treaties", "obligation", "provisions"),
    ],
)
def test_every_link_field_has_a_working_autocomplete(
    manager_client, app_label, model_name, field_name
):
    OrganisationFactory()
    response = manager_client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""},
    )
    assert response.status_code == 200


def test_the_organisation_list_counts_members(manager_client, partner):
    UserFactory(username="partner-2", role="partner", organisation=partner.organisation)
    response = manager_client.get(reverse("admin:accounts_organisation_changelist"))
    assert response.context["cl"].result_list[0].members_count == 2
