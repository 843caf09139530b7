"""Fixtures for the API tests: clients authenticated with real API keys, and findings."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import UserAPIKey
from tests.factories import FindingFactory, OrganisationFactory, UserFactory
from tests.findings.builders import Cast


@pytest.fixture(autouse=True)
def _fresh_throttle_history():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def api_key_header(user) -> str:
    """A new API key for ``user``, as the ``Authorization`` header value."""
    _, key = UserAPIKey.objects.create_key(name=f"{user.username} test key", user=user)
    return f"Api-Key {key}"


def client_for(user=None) -> APIClient:
    """An API client that sends ``Authorization: Api-Key <key>`` for ``user`` (or nothing)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=api_key_header(user))
    return client


@pytest.fixture
def anonymous_client():
    return client_for(None)


@pytest.fixture
def partner_client(partner):
    return client_for(partner)


@pytest.fixture
def monitor_client(monitor):
    return client_for(monitor)


@pytest.fixture
def reviewer_client(reviewer):
    return client_for(reviewer)


@pytest.fixture
def manager_client(manager):
    return client_for(manager)


@pytest.fixture
def cast(monitor, reviewer, manager):
    return Cast(monitor=monitor, reviewer=reviewer, manager=manager)


@pytest.fixture
def other_partner(db):
    return UserFactory(username="other-partner", role="partner", organisation=OrganisationFactory())


@pytest.fixture
def published_finding(db):
    return FindingFactory(published=True)


@pytest.fixture
def unpublished_finding(db):
    return FindingFactory(published=False)
