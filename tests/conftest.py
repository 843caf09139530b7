"""Shared fixtures: one user per role, built through the factories."""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def monitor(db):
    return UserFactory(username="monitor", role="monitor")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", role="reviewer")


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", role="manager")


@pytest.fixture
def partner(db):
    return UserFactory(username="partner", role="partner")
